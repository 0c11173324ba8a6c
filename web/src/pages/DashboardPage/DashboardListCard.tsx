import type { ReactNode } from "react";
import { Link } from "react-router";
import { ArrowRightIcon } from "../../components/icons";
import { NAV_ITEMS } from "../../components/nav-items";
import { CardListBody } from "../../components/states";

/**
 * A dashboard card with the first `limit` rows of one area: heading, a link to the area's page (where the rest are), then
 * loading / error / empty / rows. `area` is the page's path; its sidebar entry gives the icon, the title and the link.
 */
export function DashboardListCard<T>({
  testId,
  area,
  title,
  loading,
  error,
  onRetry,
  skeletonLines = 2,
  rows,
  limit = 5,
  renderRow,
  listTestId,
  empty,
}: {
  testId?: string;
  area: string;
  /** Instead of the sidebar's label. */
  title?: string;
  loading: boolean;
  error: unknown;
  onRetry?: () => void;
  skeletonLines?: number;
  rows: readonly T[] | undefined;
  limit?: number;
  /** One `<li>`, keyed. */
  renderRow: (row: T) => ReactNode;
  listTestId?: string;
  empty: ReactNode;
}) {
  const { Icon, label } = NAV_ITEMS.find((item) => item.to === area)!;
  return (
    <section className="card" style={{ padding: 0 }} data-testid={testId}>
      <div className="card-header" style={{ padding: "1rem 1.25rem 0" }}>
        <h2>
          <Icon size={16} /> {title ?? label}
        </h2>
        <Link to={area} className="btn btn-ghost btn-sm">
          {`All ${label.toLowerCase()}`} <ArrowRightIcon size={13} />
        </Link>
      </div>
      <CardListBody
        loading={loading}
        error={error}
        onRetry={onRetry}
        skeletonLines={skeletonLines}
        isEmpty={!rows?.length}
        empty={empty}
        statePadding="1rem 1.25rem"
      >
        <ul className="session-rows" data-testid={listTestId}>
          {rows?.slice(0, limit).map(renderRow)}
        </ul>
      </CardListBody>
    </section>
  );
}
