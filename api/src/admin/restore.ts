import { ApiError } from "../../../sdk/errors";
import type { RestorableKind, RestoreResult } from "../../../sdk/schemas/admin";
import type { AppBindings } from "../env";
import { notFound } from "../lib/errors";
import { sessionStub, unwrap } from "../sessions/stub";

/**
 * Operator restore of something deleted inside the retention window (purge has not run: the
 * row still exists). Name clashes with what was created since answer 409 and change nothing.
 */
const none = { sessions: 0, snapshots: 0, templates: 0 };

async function liveWorkspace(env: AppBindings, workspaceId: string): Promise<void> {
  const ws = await env.DB.prepare("SELECT deleted_at FROM workspaces WHERE id = ?")
    .bind(workspaceId)
    .first<{ deleted_at: number | null }>();
  if (!ws) throw notFound("workspace");
  if (ws.deleted_at !== null) throw new ApiError("invalid_state", `workspace ${workspaceId} is deleted; restore the workspace instead`);
}

/** Brings back a session the Session DO holds as deleted: to `stopped`, restoring its latest snapshot on next start. */
async function undeleteInDO(env: AppBindings, sessionId: string): Promise<void> {
  unwrap(await sessionStub(env, sessionId).undelete(sessionId));
}

async function restoreSession(env: AppBindings, id: string): Promise<RestoreResult> {
  const row = await env.DB.prepare("SELECT workspace_id, name, deleted_at FROM sessions WHERE id = ?")
    .bind(id)
    .first<{ workspace_id: string; name: string; deleted_at: number | null }>();
  if (!row || row.deleted_at === null) throw notFound("deleted session");
  await liveWorkspace(env, row.workspace_id);
  const clash = await env.DB.prepare("SELECT 1 AS x FROM sessions WHERE workspace_id = ? AND name = ? AND deleted_at IS NULL")
    .bind(row.workspace_id, row.name)
    .first();
  if (clash) throw new ApiError("conflict", `a session named ${row.name} exists again in that workspace; rename it first`);
  await undeleteInDO(env, id);
  await env.DB.prepare("UPDATE sessions SET deleted_at = NULL WHERE id = ?").bind(id).run();
  return { kind: "session", id, workspaceId: row.workspace_id, restored: { ...none, sessions: 1 } };
}

async function restoreSnapshot(env: AppBindings, id: string): Promise<RestoreResult> {
  const row = await env.DB.prepare(
    `SELECT sn.workspace_id, sn.r2_key, sn.status, sn.deleted_at, s.deleted_at AS session_deleted_at FROM snapshots sn
     LEFT JOIN sessions s ON s.id = sn.session_id WHERE sn.id = ?`,
  )
    .bind(id)
    .first<{ workspace_id: string; r2_key: string; status: string; deleted_at: number | null; session_deleted_at: number | null }>();
  if (!row || row.deleted_at === null) throw notFound("deleted snapshot");
  await liveWorkspace(env, row.workspace_id);
  if (row.session_deleted_at !== null) throw new ApiError("invalid_state", "its session is deleted; restore the session first");
  // Retention (not a person) removed the archive of expired automatic snapshots at once.
  if (row.status === "ready" && !(await env.BUCKET.head(row.r2_key))) throw new ApiError("gone", "the snapshot's archive is already gone");
  await env.DB.prepare("UPDATE snapshots SET deleted_at = NULL WHERE id = ?").bind(id).run();
  return { kind: "snapshot", id, workspaceId: row.workspace_id, restored: { ...none, snapshots: 1 } };
}

async function restoreTemplate(env: AppBindings, id: string): Promise<RestoreResult> {
  const row = await env.DB.prepare("SELECT workspace_id, name, deleted_at FROM templates WHERE id = ?")
    .bind(id)
    .first<{ workspace_id: string | null; name: string; deleted_at: number | null }>();
  if (!row || row.deleted_at === null || row.workspace_id === null) throw notFound("deleted template");
  await liveWorkspace(env, row.workspace_id);
  const clash = await env.DB.prepare("SELECT 1 AS x FROM templates WHERE workspace_id = ? AND name = ? AND deleted_at IS NULL")
    .bind(row.workspace_id, row.name)
    .first();
  if (clash) throw new ApiError("conflict", `a template named ${row.name} exists again in that workspace; rename it first`);
  await env.DB.prepare("UPDATE templates SET deleted_at = NULL, updated_at = ? WHERE id = ?").bind(Date.now(), id).run();
  return { kind: "template", id, workspaceId: row.workspace_id, restored: { ...none, templates: 1 } };
}

/** The workspace and what its delete hid with it (same deleted_at, set in one transaction). */
async function restoreWorkspace(env: AppBindings, id: string): Promise<RestoreResult> {
  const ws = await env.DB.prepare("SELECT deleted_at FROM workspaces WHERE id = ?").bind(id).first<{ deleted_at: number | null }>();
  if (!ws || ws.deleted_at === null) throw notFound("deleted workspace");
  const at = ws.deleted_at;
  const sessions = await env.DB.prepare("SELECT id, state FROM sessions WHERE workspace_id = ? AND deleted_at = ?")
    .bind(id, at)
    .all<{ id: string; state: string }>();
  // Reconcile may already have stopped their runtimes (state deleted in the DO): bring them back first.
  for (const s of sessions.results) if (s.state === "deleted") await undeleteInDO(env, s.id);
  const results = await env.DB.batch([
    env.DB.prepare("UPDATE workspaces SET deleted_at = NULL, updated_at = ? WHERE id = ? AND deleted_at = ?").bind(Date.now(), id, at),
    env.DB.prepare("UPDATE sessions SET deleted_at = NULL WHERE workspace_id = ? AND deleted_at = ?").bind(id, at),
    env.DB.prepare("UPDATE templates SET deleted_at = NULL WHERE workspace_id = ? AND deleted_at = ?").bind(id, at),
    env.DB.prepare("UPDATE snapshots SET deleted_at = NULL WHERE workspace_id = ? AND deleted_at = ?").bind(id, at),
  ]);
  const changes = results.map((r) => r.meta.changes);
  return {
    kind: "workspace",
    id,
    workspaceId: id,
    restored: { sessions: changes[1] ?? 0, templates: changes[2] ?? 0, snapshots: changes[3] ?? 0 },
  };
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
