import type { ReactNode } from "react";
import { Link } from "react-router";
import { ArrowRightIcon } from "../../components/icons";
import { CardListBody } from "../../components/states";

/** A dashboard card with the first rows of one area: heading, a link to the area's page, then loading / error / empty / rows. */
export function DashboardListCard({
  testId,
  icon,
  title,
  linkTo,
  linkLabel,
  loading,
  error,
  onRetry,
  skeletonLines,
  isEmpty,
  empty,
  children,
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
  isEmpty: boolean;
  empty: ReactNode;
  children: ReactNode;
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
        isEmpty={isEmpty}
        empty={empty}
        statePadding="1rem 1.25rem"
      >
        {children}
      </CardListBody>
    </section>
  );
}
