import type { ReactNode } from "react";
import { Link } from "react-router";
import { ArrowRightIcon } from "../../components/icons";
import { CardListBody } from "../../components/states";

/** A dashboard card with the first `limit` rows of one area: heading, a link to the area's page (where the rest are), then loading / error / empty / rows. */
export function DashboardListCard<T>({
  testId,
  icon,
  title,
  linkTo,
  linkLabel,
  loading,
  error,
  onRetry,
  skeletonLines,
  rows,
  limit,
  renderRow,
  listTestId,
  empty,
}: {
  testId?: string;
  icon: ReactNode;
  title: string;
  linkTo: string;
  linkLabel: string;
  loading: boolean;
  error: unknown;
  onRetry?: () => void;
  skeletonLines: number;
  rows: readonly T[] | undefined;
  limit: number;
  /** One `<li>`, keyed. */
  renderRow: (row: T) => ReactNode;
  listTestId?: string;
  empty: ReactNode;
}) {
  return (
    <section className="card" style={{ padding: 0 }} data-testid={testId}>
      <div className="card-header" style={{ padding: "1rem 1.25rem 0" }}>
        <h2>
          {icon} {title}
        </h2>
        <Link to={linkTo} className="btn btn-ghost btn-sm">
          {linkLabel} <ArrowRightIcon size={13} />
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
