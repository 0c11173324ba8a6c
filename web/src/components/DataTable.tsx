import type { ReactNode } from "react";

/** The app's table: a scrolling wrapper, one header row of `head` cells, then the body rows. */
export function DataTable({ testId, head, children }: { testId?: string; head: ReactNode; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>{head}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
