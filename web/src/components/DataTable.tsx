import type { ReactNode } from "react";
import { CardList } from "./states";

/** A header cell: its label, or the label and `hideSm` for a column small screens leave out. */
type Column = string | { label: string; hideSm: true };

/**
 * The app's table: a scrolling wrapper, one header row, then the body rows. `actions` adds a last,
 * unlabelled column (named "Actions" for screen readers) for each row's buttons.
 */
export function DataTable({
  testId,
  columns,
  actions = false,
  children,
}: {
  testId?: string;
  columns: readonly Column[];
  actions?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === "string" ? (
                <th key={c}>{c}</th>
              ) : (
                <th key={c.label} className="hide-sm">
                  {c.label}
                </th>
              ),
            )}
            {actions && <th aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/**
 * A list page's table in a flush card: CardList's loading, error and empty states (empty: no `rows`),
 * else a DataTable (`table`) with one `renderRow` per row, then `children` (e.g. LoadMore).
 */
export function TableCard<T>({
  table,
  rows,
  renderRow,
  children,
  ...list
}: Omit<Parameters<typeof CardList>[0], "isEmpty" | "children"> & {
  table: Omit<Parameters<typeof DataTable>[0], "children">;
  rows: readonly T[] | undefined;
  /** One `<tr>`, keyed. */
  renderRow: (row: T) => ReactNode;
  children?: ReactNode;
}) {
  return (
    <CardList {...list} isEmpty={!rows?.length}>
      <DataTable {...table}>{rows?.map(renderRow)}</DataTable>
      {children}
    </CardList>
  );
}

/** The footer under a paged list: one button that fetches the next page (shown only while there is one). */
export function LoadMore({
  loading,
  onMore,
  testId,
  children,
}: {
  loading: boolean;
  onMore: () => void;
  testId: string;
  children: ReactNode;
}) {
  return (
    <div className="row" style={{ justifyContent: "center", padding: 12 }}>
      <button type="button" className="btn btn-sm" disabled={loading} onClick={onMore} data-testid={testId}>
        {loading ? "Loading…" : children}
      </button>
    </div>
  );
}
