import { ApiError } from "@burstflare/sdk/errors";
import type { Db } from "./db";

/**
 * Rows an ordinary account makes by repeating one cheap request (share links of a session, invites
 * of a workspace, API tokens, SSH keys and passkeys of a user, secrets of a workspace). Each owner
 * (a session, a workspace, a user) holds at most `maxLive` live rows. Rows that stay once they end
 * (revoked, expired, used) name the SQL of an ended row in `ended`, and the owner keeps the newest
 * `keepEnded` of them, so its list can show all of them; without `ended` a row lives until deleted.
 */
export interface BoundedTable {
  table: "preview_shares" | "invites" | "api_tokens" | "ssh_keys" | "passkeys" | "workspace_secrets";
  /** The column naming the owner. */
  owner: "session_id" | "workspace_id" | "user_id";
  maxLive: number;
  /** SQL true of an ended row; `{at}` stands for the moment. */
  ended?: string;
  /** How many of its newest ended rows an owner keeps; none when absent. */
  keepEnded?: number;
}

/**
 * An insert that replaces the row with the same `key` (the columns of a UNIQUE constraint),
 * setting the `update` columns; a replacement is not a new row, so the limit does not refuse it.
 */
export interface Upsert {
  key: string[];
  update: string[];
}

const endedAt = (t: BoundedTable, param: number) => `(${(t.ended ?? "0").replaceAll("{at}", `?${param}`)})`;

/**
 * Inserts `row` (column → value; its owner column among them) unless its owner already holds
 * `maxLive` live rows: the count is in the INSERT's own WHERE, so a burst of parallel inserts
 * cannot all pass. With `upsert`, a row with the same key is replaced whatever the count. In the
 * same batch the owner's ended rows beyond the newest `keepEnded` go. False when refused.
 */
export async function insertBounded(db: Db, t: BoundedTable, row: Record<string, unknown>, at: number, upsert?: Upsert): Promise<boolean> {
  const columns = Object.keys(row);
  const n = columns.length;
  const owner = row[t.owner];
  const param = (column: string) => `?${columns.indexOf(column) + 1}`;
  const replaces = upsert ? ` OR EXISTS (SELECT 1 FROM ${t.table} WHERE ${upsert.key.map((k) => `${k} = ${param(k)}`).join(" AND ")})` : "";
  const onConflict = upsert
    ? ` ON CONFLICT (${upsert.key.join(", ")}) DO UPDATE SET ${upsert.update.map((c) => `${c} = excluded.${c}`).join(", ")}`
    : "";
  const insert = db.statement(
    `INSERT INTO ${t.table} (${columns.join(", ")}) SELECT ${columns.map((_, i) => `?${i + 1}`).join(", ")}
     WHERE (SELECT COUNT(*) FROM ${t.table} WHERE ${t.owner} = ?${n + 1} AND NOT ${endedAt(t, n + 2)}) < ?${n + 3}${replaces}${onConflict}`,
    ...Object.values(row),
    owner,
    at,
    t.maxLive,
  );
  const prune = db.statement(
    `DELETE FROM ${t.table} WHERE id IN (
       SELECT id FROM ${t.table} WHERE ${t.owner} = ?1 AND ${endedAt(t, 2)}
       ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?3)`,
    owner,
    at,
    t.keepEnded ?? 0,
  );
  const [inserted] = await db.batch(t.ended ? [insert, prune] : [insert]);
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
