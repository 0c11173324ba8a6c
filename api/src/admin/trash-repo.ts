import { type DeletedItem, RESTORABLE_KINDS } from "@burstflare/sdk/schemas/admin";
import type { Session } from "@burstflare/sdk/schemas/sessions";
import { SNAPSHOT_STATUSES } from "@burstflare/sdk/schemas/snapshots";
import { SESSION_STATES } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";
import { iso } from "../lib/time";

/**
 * Soft-deleted rows an operator can still restore (deleted_at set, purge not yet run) across
 * workspaces, sessions, templates and snapshots.
 */

const nullableText = z.string().nullable();
const nullableInt = z.number().nullable();

/** A deleted row as the contract's DeletedItem: purge removes it `retentionMs` after its delete. */
const deletedItem = (retentionMs: number) =>
  z
    .object({ kind: z.enum(RESTORABLE_KINDS), id: z.string(), workspace_id: nullableText, name: nullableText, deleted_at: z.number() })
    .transform(
      ({ workspace_id, deleted_at, ...r }): DeletedItem => ({
        ...r,
        workspaceId: workspace_id,
        deletedAt: iso(deleted_at) ?? "",
        purgeAfter: iso(deleted_at + retentionMs) ?? "",
      }),
    );

/** Newest first, at most `limit`; with a workspace id only what belongs to it. */
export function listDeletedItems(db: Db, opts: { limit: number; retentionMs: number; workspaceId?: string }): Promise<DeletedItem[]> {
  const { limit, retentionMs, workspaceId } = opts;
  const filter = workspaceId ? "AND workspace_id = ?" : "";
  const args = workspaceId ? [workspaceId] : [];
  const sql = `SELECT 'workspace' AS kind, id, id AS workspace_id, name, deleted_at FROM workspaces WHERE deleted_at IS NOT NULL ${workspaceId ? "AND id = ?" : ""}
    UNION ALL SELECT 'session', id, workspace_id, name, deleted_at FROM sessions WHERE deleted_at IS NOT NULL ${filter}
    UNION ALL SELECT 'template', id, workspace_id, name, deleted_at FROM templates WHERE deleted_at IS NOT NULL ${filter}
    UNION ALL SELECT 'snapshot', id, workspace_id, COALESCE(label, kind), deleted_at FROM snapshots WHERE deleted_at IS NOT NULL ${filter}
    ORDER BY deleted_at DESC LIMIT ?`;
  return db.all(deletedItem(retentionMs), sql, ...args, ...args, ...args, ...args, limit);
}

/** undefined when there is no such workspace; null when it is live. */
export async function findWorkspaceDeletedAt(db: Db, workspaceId: string): Promise<number | null | undefined> {
  const row = await db.one(z.object({ deleted_at: nullableInt }), "SELECT deleted_at FROM workspaces WHERE id = ?", workspaceId);
  return row === null ? undefined : row.deleted_at;
}

/** A session or template as its restore checks it: where it lives, its name, when it was deleted (epoch ms; null when live). */
const namedForRestore = z.object({ workspaceId: nullableText, name: z.string(), deletedAt: nullableInt });
export type NamedForRestore = z.infer<typeof namedForRestore>;

/** A snapshot as its restore checks it, with its session's deletion (epoch ms; null when live). */
const snapshotForRestore = rowOf(
  z.object({
    workspaceId: z.string(),
    r2Key: z.string(),
    status: z.enum(SNAPSHOT_STATUSES),
    deletedAt: nullableInt,
    sessionDeletedAt: nullableInt,
  }),
);

export type SnapshotForRestore = z.output<typeof snapshotForRestore>;

type Named = "sessions" | "templates";

/** A session or template by id, deleted or not. */
export function findNamedForRestore(db: Db, table: Named, id: string): Promise<NamedForRestore | null> {
  return db.one(rowOf(namedForRestore), `SELECT workspace_id, name, deleted_at FROM ${table} WHERE id = ?`, id);
}

/** True when a live session (or template) of the workspace has the name. */
export async function liveNamed(db: Db, table: Named, workspaceId: string, name: string): Promise<boolean> {
  return db.returnsRow(`SELECT 1 AS x FROM ${table} WHERE workspace_id = ? AND name = ? AND deleted_at IS NULL`, workspaceId, name);
}

export async function undeleteSessionRow(db: Db, id: string): Promise<void> {
  await db.run("UPDATE sessions SET deleted_at = NULL WHERE id = ?", id);
}

export function findSnapshotForRestore(db: Db, id: string): Promise<SnapshotForRestore | null> {
  return db.one(
    snapshotForRestore,
    `SELECT sn.workspace_id, sn.r2_key, sn.status, sn.deleted_at, s.deleted_at AS session_deleted_at FROM snapshots sn
     LEFT JOIN sessions s ON s.id = sn.session_id WHERE sn.id = ?`,
    id,
  );
}

export async function undeleteSnapshotRow(db: Db, id: string): Promise<void> {
  await db.run("UPDATE snapshots SET deleted_at = NULL WHERE id = ?", id);
}

export async function undeleteTemplateRow(db: Db, id: string, t: number): Promise<void> {
  await db.run("UPDATE templates SET deleted_at = NULL, updated_at = ? WHERE id = ?", t, id);
}

/** The workspace's sessions deleted with it (the same deleted_at). */
export function listSessionsDeletedAt(db: Db, workspaceId: string, at: number): Promise<Pick<Session, "id" | "state">[]> {
  return db.all(
    z.object({ id: z.string(), state: z.enum(SESSION_STATES) }),
    "SELECT id, state FROM sessions WHERE workspace_id = ? AND deleted_at = ?",
    workspaceId,
    at,
  );
}

/** Undeletes the workspace and what its delete hid with it, in one transaction; how many of each came back. */
export async function undeleteWorkspaceRows(
  db: Db,
  workspaceId: string,
  at: number,
  t: number,
): Promise<{ sessions: number; templates: number; snapshots: number }> {
  const changes = await db.batch([
    db.statement("UPDATE workspaces SET deleted_at = NULL, updated_at = ? WHERE id = ? AND deleted_at = ?", t, workspaceId, at),
    db.statement("UPDATE sessions SET deleted_at = NULL WHERE workspace_id = ? AND deleted_at = ?", workspaceId, at),
    db.statement("UPDATE templates SET deleted_at = NULL WHERE workspace_id = ? AND deleted_at = ?", workspaceId, at),
    db.statement("UPDATE snapshots SET deleted_at = NULL WHERE workspace_id = ? AND deleted_at = ?", workspaceId, at),
  ]);
  return { sessions: changes[1] ?? 0, templates: changes[2] ?? 0, snapshots: changes[3] ?? 0 };
}
