import { z } from "zod";
import type { Db } from "../lib/db";

/**
 * Soft-deleted rows an operator can still restore (deleted_at set, purge not yet run) across
 * workspaces, sessions, templates and snapshots.
 */

export interface DeletedRow {
  kind: "workspace" | "session" | "template" | "snapshot";
  id: string;
  workspaceId: string | null;
  name: string | null;
  deletedAt: number;
}

/** Newest first, at most `limit`; with a workspace id only what belongs to it. */
export async function listDeletedRows(db: Db, limit: number, workspaceId?: string): Promise<DeletedRow[]> {
  const filter = workspaceId ? "AND workspace_id = ?" : "";
  const args = workspaceId ? [workspaceId] : [];
  const sql = `SELECT 'workspace' AS kind, id, id AS workspace_id, name, deleted_at FROM workspaces WHERE deleted_at IS NOT NULL ${workspaceId ? "AND id = ?" : ""}
    UNION ALL SELECT 'session', id, workspace_id, name, deleted_at FROM sessions WHERE deleted_at IS NOT NULL ${filter}
    UNION ALL SELECT 'template', id, workspace_id, name, deleted_at FROM templates WHERE deleted_at IS NOT NULL ${filter}
    UNION ALL SELECT 'snapshot', id, workspace_id, COALESCE(label, kind), deleted_at FROM snapshots WHERE deleted_at IS NOT NULL ${filter}
    ORDER BY deleted_at DESC LIMIT ${limit}`;
  const rows = await db.all(
    z.object({
      kind: z.enum(["workspace", "session", "template", "snapshot"]),
      id: z.string(),
      workspace_id: z.string().nullable(),
      name: z.string().nullable(),
      deleted_at: z.number(),
    }),
    sql,
    ...args,
    ...args,
    ...args,
    ...args,
  );
  return rows.map((r) => ({ kind: r.kind, id: r.id, workspaceId: r.workspace_id, name: r.name, deletedAt: r.deleted_at }));
}

const DeletedAt = z.object({ deleted_at: z.number().nullable() });

/** undefined when there is no such workspace; null when it is live. */
export async function findWorkspaceDeletedAt(db: Db, workspaceId: string): Promise<number | null | undefined> {
  const row = await db.one(DeletedAt, "SELECT deleted_at FROM workspaces WHERE id = ?", workspaceId);
  return row === null ? undefined : row.deleted_at;
}

export async function findSessionForRestore(
  db: Db,
  id: string,
): Promise<{ workspaceId: string; name: string; deletedAt: number | null } | null> {
  const row = await db.one(
    z.object({ workspace_id: z.string(), name: z.string(), deleted_at: z.number().nullable() }),
    "SELECT workspace_id, name, deleted_at FROM sessions WHERE id = ?",
    id,
  );
  return row && { workspaceId: row.workspace_id, name: row.name, deletedAt: row.deleted_at };
}

export async function liveSessionNamed(db: Db, workspaceId: string, name: string): Promise<boolean> {
  const row = await db.one(
    z.object({ x: z.number() }),
    "SELECT 1 AS x FROM sessions WHERE workspace_id = ? AND name = ? AND deleted_at IS NULL",
    workspaceId,
    name,
  );
  return row !== null;
}

export async function undeleteSessionRow(db: Db, id: string): Promise<void> {
  await db.run("UPDATE sessions SET deleted_at = NULL WHERE id = ?", id);
}

export async function findSnapshotForRestore(
  db: Db,
  id: string,
): Promise<{ workspaceId: string; r2Key: string; status: string; deletedAt: number | null; sessionDeletedAt: number | null } | null> {
  const row = await db.one(
    z.object({
      workspace_id: z.string(),
      r2_key: z.string(),
      status: z.string(),
      deleted_at: z.number().nullable(),
      session_deleted_at: z.number().nullable(),
    }),
    `SELECT sn.workspace_id, sn.r2_key, sn.status, sn.deleted_at, s.deleted_at AS session_deleted_at FROM snapshots sn
     LEFT JOIN sessions s ON s.id = sn.session_id WHERE sn.id = ?`,
    id,
  );
  return (
    row && {
      workspaceId: row.workspace_id,
      r2Key: row.r2_key,
      status: row.status,
      deletedAt: row.deleted_at,
      sessionDeletedAt: row.session_deleted_at,
    }
  );
}

export async function undeleteSnapshotRow(db: Db, id: string): Promise<void> {
  await db.run("UPDATE snapshots SET deleted_at = NULL WHERE id = ?", id);
}

export async function findTemplateForRestore(
  db: Db,
  id: string,
): Promise<{ workspaceId: string | null; name: string; deletedAt: number | null } | null> {
  const row = await db.one(
    z.object({ workspace_id: z.string().nullable(), name: z.string(), deleted_at: z.number().nullable() }),
    "SELECT workspace_id, name, deleted_at FROM templates WHERE id = ?",
    id,
  );
  return row && { workspaceId: row.workspace_id, name: row.name, deletedAt: row.deleted_at };
}

export async function liveTemplateNamed(db: Db, workspaceId: string, name: string): Promise<boolean> {
  const row = await db.one(
    z.object({ x: z.number() }),
    "SELECT 1 AS x FROM templates WHERE workspace_id = ? AND name = ? AND deleted_at IS NULL",
    workspaceId,
    name,
  );
  return row !== null;
}

export async function undeleteTemplateRow(db: Db, id: string, t: number): Promise<void> {
  await db.run("UPDATE templates SET deleted_at = NULL, updated_at = ? WHERE id = ?", t, id);
}

/** The workspace's sessions deleted with it (the same deleted_at). */
export async function listSessionsDeletedAt(db: Db, workspaceId: string, at: number): Promise<{ id: string; state: string }[]> {
  return db.all(
    z.object({ id: z.string(), state: z.string() }),
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
