import type { ReactNode } from "react";
import { EmptyState, ErrorState, Skeleton } from "../../components/states";

/** What an account section gets of its list query. */
export interface AccountListData<T> {
  list: T[] | undefined;
  loading: boolean;
  error: unknown;
}

/** An account section's list data from its queries: the list's error first, else the first failed action's. */
export function accountListData<T>(
  query: { data: T[] | undefined; isPending: boolean; error: unknown },
  ...actions: { error: unknown }[]
): AccountListData<T> {
  return { list: query.data, loading: query.isPending, error: query.error ?? actions.find((a) => a.error)?.error };
}

/** The list of an account section: its error above, a skeleton while loading, `empty` when there are no rows, else one `renderRow` per row. */
export function AccountList<T>({
  list,
  loading,
  error,
  empty,
  testId,
  renderRow,
}: AccountListData<T> & {
  /** The empty state's title; without it an empty list shows as an empty list. */
  empty?: string;
  testId?: string;
  /** One `<li className="account-row">`, keyed. */
  renderRow: (row: T) => ReactNode;
}) {
  return (
    <>
      {error ? <ErrorState error={error} /> : null}
      {loading ? (
        <Skeleton lines={2} />
      ) : list?.length === 0 && empty ? (
        <EmptyState title={empty} />
      ) : (
        <ul className="account-list" data-testid={testId}>
          {list?.map(renderRow)}
        </ul>
      )}
    </>
  );
}

/** A row's text, its name in bold over smaller lines, then (pushed to the end) its buttons. */
export function AccountRowText({ name, children, actions }: { name: ReactNode; children: ReactNode; actions: ReactNode }) {
  return (
    <>
      <div className="stack" style={{ gap: 2 }}>
        <strong>{name}</strong>
        {children}
      </div>
      <span className="spacer" />
      {actions}
    </>
  );
}
