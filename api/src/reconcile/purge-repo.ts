import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";
import { deleteTemplatesStatements } from "../templates/templates-repo";

/**
 * The statements of reconcile's purge: which deleted rows are past the retention window, and the
 * batches that remove them with what they own. They span aggregates on purpose: a workspace's
 * purge takes every table keyed by it in one batch.
 */

export type PurgedTable = "workspaces" | "sessions" | "snapshots" | "templates";

/** A deleted row of a purged table (times in epoch ms). */
const deletedRecord = z.object({ id: z.string(), workspaceId: z.string().nullable(), deletedAt: z.number() });
export type Deleted = z.infer<typeof deletedRecord>;

/** A deleted snapshot with what its purge removes from R2. */
const deletedSnapshotRecord = deletedRecord.extend({ sessionId: z.string(), r2Key: z.string() });
export type DeletedSnapshot = z.infer<typeof deletedSnapshotRecord>;

const deleted = rowOf(deletedRecord);

const deletedSnapshot = rowOf(deletedSnapshotRecord);

const DUE: Record<Exclude<PurgedTable, "snapshots">, string> = {
  workspaces: "SELECT id, id AS workspace_id, deleted_at FROM workspaces WHERE deleted_at IS NOT NULL AND deleted_at < ?",
  sessions: "SELECT id, workspace_id, deleted_at FROM sessions WHERE deleted_at IS NOT NULL AND state = 'deleted' AND deleted_at < ?",
  templates: "SELECT id, workspace_id, deleted_at FROM templates WHERE deleted_at IS NOT NULL AND builtin = 0 AND deleted_at < ?",
};

/** Rows of `table` deleted before `cutoff`, oldest first, at most `limit`. */
export function listDue(db: Db, table: Exclude<PurgedTable, "snapshots">, cutoff: number, limit: number): Promise<Deleted[]> {
  return db.all(deleted, `${DUE[table]} ORDER BY deleted_at LIMIT ?`, cutoff, limit);
}

/** Snapshots deleted before `cutoff` that no increment builds on, oldest first, at most `limit`. */
export function listDueSnapshots(db: Db, cutoff: number, limit: number): Promise<DeletedSnapshot[]> {
  return db.all(
    deletedSnapshot,
    `SELECT id, workspace_id, deleted_at, session_id, r2_key FROM snapshots sn WHERE deleted_at IS NOT NULL AND deleted_at < ?
     AND NOT EXISTS (SELECT 1 FROM snapshots d WHERE d.base_id = sn.id)
     ORDER BY deleted_at LIMIT ?`,
    cutoff,
    limit,
  );
}

/** True while the row is still deleted before `cutoff` (a restore in between makes it false). */
export async function stillDeleted(db: Db, table: PurgedTable, id: string, cutoff: number): Promise<boolean> {
  return db.returnsRow(`SELECT 1 AS ok FROM ${table} WHERE id = ? AND deleted_at IS NOT NULL AND deleted_at < ?`, id, cutoff);
}

/** Sessions of the workspace whose runtime has not reached `deleted`. */
export async function countUnstoppedSessions(db: Db, workspaceId: string): Promise<number> {
  return db.count("SELECT COUNT(*) AS n FROM sessions WHERE workspace_id = ? AND state != 'deleted'", workspaceId);
}

/** Removes a deleted workspace and every row keyed by it, together. */
export async function purgeWorkspaceRows(db: Db, workspaceId: string): Promise<void> {
  await db.batch([
    db.statement("DELETE FROM snapshots WHERE workspace_id = ?", workspaceId),
    db.statement("DELETE FROM upload_grants WHERE workspace_id = ?", workspaceId),
    ...deleteTemplatesStatements(db, { workspaceId }),
    db.statement("DELETE FROM sessions WHERE workspace_id = ?", workspaceId),
    db.statement("DELETE FROM workspace_secrets WHERE workspace_id = ?", workspaceId),
    db.statement("DELETE FROM quota_overrides WHERE workspace_id = ?", workspaceId),
    db.statement("DELETE FROM invites WHERE workspace_id = ?", workspaceId),
    db.statement("DELETE FROM api_tokens WHERE workspace_id = ?", workspaceId),
    db.statement("DELETE FROM memberships WHERE workspace_id = ?", workspaceId),
    db.statement("DELETE FROM workspaces WHERE id = ? AND deleted_at IS NOT NULL", workspaceId),
  ]);
}

/** Removes a deleted session and its snapshots' rows, together. */
export async function purgeSessionRows(db: Db, sessionId: string): Promise<void> {
  await db.batch([
    db.statement("DELETE FROM snapshots WHERE session_id = ?", sessionId),
    db.statement("DELETE FROM sessions WHERE id = ? AND state = 'deleted'", sessionId),
  ]);
}

export async function purgeSnapshotRow(db: Db, snapshotId: string): Promise<void> {
  await db.run("DELETE FROM snapshots WHERE id = ? AND deleted_at IS NOT NULL", snapshotId);
}
