import type { ReactNode } from "react";

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
  columns: Column[];
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
