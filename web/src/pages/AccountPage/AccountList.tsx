import type { ReactNode } from "react";
import { EmptyState, ErrorState, Skeleton } from "../../components/states";

/** What an account section gets of its list query. */
export interface AccountListData<T> {
  list: T[] | undefined;
  loading: boolean;
  error: unknown;
}

/** The list of an account section: its error above, a skeleton while loading, `empty` when there are no rows, else the rows. */
export function AccountList({
  loading,
  error,
  isEmpty,
  empty,
  testId,
  children,
}: {
  loading: boolean;
  error: unknown;
  isEmpty?: boolean;
  /** The empty state's title; without it an empty list shows as an empty list. */
  empty?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <>
      {error ? <ErrorState error={error} /> : null}
      {loading ? (
        <Skeleton lines={2} />
      ) : isEmpty && empty ? (
        <EmptyState title={empty} />
      ) : (
        <ul className="account-list" data-testid={testId}>
          {children}
        </ul>
      )}
    </>
  );
}
