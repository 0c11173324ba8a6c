import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";
import { SNAPSHOT_QUOTA_BYTES, SNAPSHOT_QUOTA_ROWS } from "../snapshots/snapshots-repo";

/** quota_overrides, and the counts that quotas measure against their limits. */

export async function listQuotaOverrides(db: Db, workspaceId: string): Promise<{ limitName: string; value: number }[]> {
  return db.all(
    rowOf(z.object({ limitName: z.string(), value: z.number() })),
    "SELECT limit_name, value FROM quota_overrides WHERE workspace_id = ?",
    workspaceId,
  );
}

/** Sets (number) or clears (null) overrides, all in one transaction. */
export async function saveQuotaOverrides(
  db: Db,
  workspaceId: string,
  changes: { limitName: string; value: number | null }[],
  setBy: string,
  t: number,
): Promise<void> {
  await db.batch(
    changes.map(({ limitName, value }) =>
      value === null
        ? db.statement("DELETE FROM quota_overrides WHERE workspace_id = ? AND limit_name = ?", workspaceId, limitName)
        : db.statement(
            `INSERT INTO quota_overrides (workspace_id, limit_name, value, set_by, created_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (workspace_id, limit_name) DO UPDATE SET value = excluded.value, set_by = excluded.set_by, created_at = excluded.created_at`,
            workspaceId,
            limitName,
            value,
            setBy,
            t,
          ),
    ),
  );
}

/** Live sessions of the workspace in one of `states`. */
export async function countLiveTemplates(db: Db, workspaceId: string): Promise<number> {
  return db.count("SELECT COUNT(*) AS n FROM templates WHERE workspace_id = ? AND deleted_at IS NULL", workspaceId);
}

/** Bytes held by the workspace's snapshots that did not fail (pending copies: what they reserved; deleted ones until purged). */
export async function sumSnapshotBytes(db: Db, workspaceId: string): Promise<number> {
  return db.count(
    `SELECT COALESCE(SUM(${SNAPSHOT_QUOTA_BYTES}), 0) AS n FROM snapshots WHERE workspace_id = ? AND ${SNAPSHOT_QUOTA_ROWS}`,
    workspaceId,
  );
}
