import { z } from "zod";
import type { Db } from "../lib/db";

/** Rows past their expiry: which they are, and their removal (re-checking the expiry per row). */

export type ExpiringTable = "upload_grants" | "auth_challenges" | "refresh_tokens" | "sign_ins" | "preview_share_access" | "audit_log";

/**
 * WHERE clause over alias `x`; `?1` is the cutoff (the run's clock, or for the share access log and
 * the audit log the clock less their retention). A sign-in outlives its access token while
 * a refresh token of its family is still valid (the CLI refreshes into it), so only sign-ins
 * without one are expired.
 */
const EXPIRED: Record<ExpiringTable, string> = {
  upload_grants: "x.expires_at <= ?1",
  auth_challenges: "x.expires_at <= ?1",
  refresh_tokens: "x.expires_at <= ?1",
  sign_ins: `x.expires_at <= ?1 AND NOT EXISTS (
      SELECT 1 FROM refresh_tokens r WHERE r.sign_in_id = x.id AND r.expires_at > ?1 AND r.revoked_at IS NULL)`,
  preview_share_access: "x.created_at <= ?1",
  audit_log: "x.created_at <= ?1",
};

/** Ids of up to `limit` rows of `table` expired at `at`. */
export async function listExpiredIds(db: Db, table: ExpiringTable, at: number, limit: number): Promise<string[]> {
  return db.values("id", z.string(), `SELECT x.id FROM ${table} x WHERE ${EXPIRED[table]} LIMIT ?2`, at, limit);
}

/** Deletes those of `ids` still expired at `at` (keep `ids` under D1's bound-parameter limit); how many went. */
export function deleteExpired(db: Db, table: ExpiringTable, ids: string[], at: number): Promise<number> {
  return db.run(`DELETE FROM ${table} AS x WHERE x.id IN (${ids.map((_, j) => `?${j + 2}`).join(",")}) AND ${EXPIRED[table]}`, at, ...ids);
}
