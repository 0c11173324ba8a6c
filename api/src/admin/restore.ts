import { ApiError } from "@burstflare/sdk/errors";
import type { RestorableKind, RestoreResult } from "@burstflare/sdk/schemas/admin";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { notFound } from "../lib/errors";
import { sessionStub, unwrap } from "../sessions/stub";
import {
  findNamedForRestore,
  findSnapshotForRestore,
  findWorkspaceDeletedAt,
  listSessionsDeletedAt,
  liveNamed,
  undeleteSessionRow,
  undeleteSnapshotRow,
  undeleteTemplateRow,
  undeleteWorkspaceRows,
} from "./trash-repo";

/**
 * Operator restore of something deleted inside the retention window (purge has not run: the
 * row still exists). Name clashes with what was created since answer 409 and change nothing.
 */
const none = { sessions: 0, snapshots: 0, templates: 0 };

async function liveWorkspace(env: AppBindings, workspaceId: string): Promise<void> {
  const deletedAt = await findWorkspaceDeletedAt(dbOf(env), workspaceId);
  if (deletedAt === undefined) throw notFound("workspace");
  if (deletedAt !== null) throw new ApiError("invalid_state", `workspace ${workspaceId} is deleted; restore the workspace instead`);
}

/** Brings back a session the Session DO holds as deleted: to `stopped`, restoring its latest snapshot on next start. */
async function undeleteInDO(env: AppBindings, sessionId: string): Promise<void> {
  unwrap(await sessionStub(env, sessionId).undelete(sessionId));
}

async function restoreSession(env: AppBindings, id: string): Promise<RestoreResult> {
  const db = dbOf(env);
  const row = await findNamedForRestore(db, "sessions", id);
  if (!row || row.deletedAt === null || row.workspaceId === null) throw notFound("deleted session");
  await liveWorkspace(env, row.workspaceId);
  if (await liveNamed(db, "sessions", row.workspaceId, row.name))
    throw new ApiError("conflict", `a session named ${row.name} exists again in that workspace; rename it first`);
  await undeleteInDO(env, id);
  await undeleteSessionRow(db, id);
  return { kind: "session", id, workspaceId: row.workspaceId, restored: { ...none, sessions: 1 } };
}

async function restoreSnapshot(env: AppBindings, id: string): Promise<RestoreResult> {
  const db = dbOf(env);
  const row = await findSnapshotForRestore(db, id);
  if (!row || row.deletedAt === null) throw notFound("deleted snapshot");
  await liveWorkspace(env, row.workspaceId);
  if (row.sessionDeletedAt !== null) throw new ApiError("invalid_state", "its session is deleted; restore the session first");
  // Retention (not a person) removed the archive of expired automatic snapshots at once.
  if (row.status === "ready" && !(await env.BUCKET.head(row.r2Key))) throw new ApiError("gone", "the snapshot's archive is already gone");
  await undeleteSnapshotRow(db, id);
  return { kind: "snapshot", id, workspaceId: row.workspaceId, restored: { ...none, snapshots: 1 } };
}

async function restoreTemplate(env: AppBindings, id: string): Promise<RestoreResult> {
  const db = dbOf(env);
  const row = await findNamedForRestore(db, "templates", id);
  if (!row || row.deletedAt === null || row.workspaceId === null) throw notFound("deleted template");
  await liveWorkspace(env, row.workspaceId);
  if (await liveNamed(db, "templates", row.workspaceId, row.name))
    throw new ApiError("conflict", `a template named ${row.name} exists again in that workspace; rename it first`);
  await undeleteTemplateRow(db, id, Date.now());
  return { kind: "template", id, workspaceId: row.workspaceId, restored: { ...none, templates: 1 } };
}

/** The workspace and what its delete hid with it (same deleted_at, set in one transaction). */
async function restoreWorkspace(env: AppBindings, id: string): Promise<RestoreResult> {
  const db = dbOf(env);
  const at = await findWorkspaceDeletedAt(db, id);
  if (at === undefined || at === null) throw notFound("deleted workspace");
  const sessions = await listSessionsDeletedAt(db, id, at);
  // Reconcile may already have stopped their runtimes (state deleted in the DO): bring them back first.
  for (const s of sessions) if (s.state === "deleted") await undeleteInDO(env, s.id);
  const restored = await undeleteWorkspaceRows(db, id, at, Date.now());
  return { kind: "workspace", id, workspaceId: id, restored };
}

export function restoreDeleted(env: AppBindings, kind: RestorableKind, id: string): Promise<RestoreResult> {
  switch (kind) {
    case "session":
      return restoreSession(env, id);
    case "snapshot":
      return restoreSnapshot(env, id);
    case "template":
      return restoreTemplate(env, id);
    case "workspace":
      return restoreWorkspace(env, id);
  }
}
