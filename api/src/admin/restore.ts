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

/** How each named kind comes back once its checks pass: a session also in its Session DO. */
const UNDELETE_NAMED = {
  session: { table: "sessions", undelete: (env: AppBindings, id: string) => undeleteSession(env, id) },
  template: { table: "templates", undelete: (env: AppBindings, id: string) => undeleteTemplateRow(dbOf(env), id, Date.now()) },
} as const;

async function undeleteSession(env: AppBindings, id: string): Promise<void> {
  await undeleteInDO(env, id);
  await undeleteSessionRow(dbOf(env), id);
}

/** A session or template, back in its workspace unless that is deleted or its name was taken meanwhile. */
async function restoreNamed(env: AppBindings, kind: keyof typeof UNDELETE_NAMED, id: string): Promise<RestoreResult> {
  const { table, undelete } = UNDELETE_NAMED[kind];
  const db = dbOf(env);
  const row = await findNamedForRestore(db, table, id);
  if (!row || row.deletedAt === null || row.workspaceId === null) throw notFound(`deleted ${kind}`);
  await liveWorkspace(env, row.workspaceId);
  if (await liveNamed(db, table, row.workspaceId, row.name))
    throw new ApiError("conflict", `a ${kind} named ${row.name} exists again in that workspace; rename it first`);
  await undelete(env, id);
  return { kind, id, workspaceId: row.workspaceId, restored: { ...none, [table]: 1 } };
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
    case "template":
      return restoreNamed(env, kind, id);
    case "snapshot":
      return restoreSnapshot(env, id);
    case "workspace":
      return restoreWorkspace(env, id);
  }
}
