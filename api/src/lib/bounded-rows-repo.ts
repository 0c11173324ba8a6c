import { ApiError } from "@burstflare/sdk/errors";
import type { Db } from "./db";

/**
 * Rows an ordinary account makes by repeating one cheap request (share links of a session, invites
 * of a workspace) and that stay once they end (revoked, expired, used). Each owner (a session, a
 * workspace) holds at most `maxLive` live rows and keeps the newest `keepEnded` ended ones, so its
 * list can show all of them.
 */
export interface BoundedTable {
  table: "preview_shares" | "invites";
  /** The column naming the owner. */
  owner: "session_id" | "workspace_id";
  /** SQL true of an ended row; `{at}` stands for the moment. */
  ended: string;
  maxLive: number;
  keepEnded: number;
}

const endedAt = (t: BoundedTable, param: number) => `(${t.ended.replaceAll("{at}", `?${param}`)})`;

/**
 * Inserts `row` (column → value; its owner column among them) unless its owner already holds
 * `maxLive` live rows: the count is in the INSERT's own WHERE, so a burst of parallel inserts
 * cannot all pass. In the same batch the owner's ended rows beyond the newest `keepEnded` go.
 * False when the insert was refused.
 */
export async function insertBounded(db: Db, t: BoundedTable, row: Record<string, unknown>, at: number): Promise<boolean> {
  const columns = Object.keys(row);
  const n = columns.length;
  const owner = row[t.owner];
  const [inserted] = await db.batch([
    db.statement(
      `INSERT INTO ${t.table} (${columns.join(", ")}) SELECT ${columns.map((_, i) => `?${i + 1}`).join(", ")}
       WHERE (SELECT COUNT(*) FROM ${t.table} WHERE ${t.owner} = ?${n + 1} AND NOT ${endedAt(t, n + 2)}) < ?${n + 3}`,
      ...Object.values(row),
      owner,
      at,
      t.maxLive,
    ),
    db.statement(
      `DELETE FROM ${t.table} WHERE id IN (
         SELECT id FROM ${t.table} WHERE ${t.owner} = ?1 AND ${endedAt(t, 2)}
         ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?3)`,
      owner,
      at,
      t.keepEnded,
    ),
  ]);
  return inserted === 1;
}

/** The 403 quota_exceeded answer to a refused insertBounded: "at most N <what>; <hint>", with the count now. */
export async function boundRefusal(
  db: Db,
  t: BoundedTable,
  owner: string,
  at: number,
  refusal: { limit: string; what: string; hint: string },
): Promise<ApiError> {
  const current = await db.count(`SELECT COUNT(*) AS n FROM ${t.table} WHERE ${t.owner} = ?1 AND NOT ${endedAt(t, 2)}`, owner, at);
  return new ApiError("quota_exceeded", `at most ${t.maxLive} ${refusal.what}; ${refusal.hint}`, {
    details: { limit: refusal.limit, max: t.maxLive, current },
  });
}
