import { ApiError } from "../../../sdk/errors";
import type { Plan, Workspace } from "../../../sdk/schemas/workspaces";
import type { Role } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { iso, now } from "../lib/time";

export interface WorkspaceRow {
  id: string;
  name: string;
  owner_id: string;
  personal: number;
  plan: string;
  created_at: number;
  role: Role;
}

export function toWorkspace(row: WorkspaceRow, currentId: string | null): Workspace {
  return {
    id: row.id,
    name: row.name,
    personal: row.personal === 1,
    plan: (["free", "pro", "team"].includes(row.plan) ? row.plan : "free") as Plan,
    ownerId: row.owner_id,
    role: row.role,
    current: row.id === currentId,
    createdAt: iso(row.created_at) ?? "",
  };
}

const SELECT_MINE = `SELECT w.id, w.name, w.owner_id, w.personal, w.plan, w.created_at, m.role
  FROM memberships m JOIN workspaces w ON w.id = m.workspace_id AND w.deleted_at IS NULL`;

export async function listWorkspacesFor(env: AppBindings, userId: string): Promise<WorkspaceRow[]> {
  const rows = await env.DB.prepare(`${SELECT_MINE} WHERE m.user_id = ? ORDER BY w.personal DESC, w.created_at ASC`)
    .bind(userId)
    .all<WorkspaceRow>();
  return rows.results;
}

/** The workspace as the user sees it; 404 when they are not a member, so existence does not leak. */
export async function getWorkspaceFor(env: AppBindings, userId: string, workspaceId: string): Promise<WorkspaceRow> {
  const row = await env.DB.prepare(`${SELECT_MINE} WHERE m.user_id = ? AND w.id = ?`).bind(userId, workspaceId).first<WorkspaceRow>();
  if (!row) throw new ApiError("not_found", "workspace not found");
  return row;
}

/** Used at sign-up (personal workspace) and by POST /api/workspaces. */
export async function createWorkspace(
  env: AppBindings,
  opts: { ownerId: string; name: string; personal?: boolean },
): Promise<WorkspaceRow> {
  const id = newId("ws");
  const t = now();
  const personal = opts.personal ? 1 : 0;
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO workspaces (id, name, owner_id, personal, plan, created_at, updated_at) VALUES (?, ?, ?, ?, 'free', ?, ?)",
    ).bind(id, opts.name, opts.ownerId, personal, t, t),
    env.DB.prepare("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)").bind(id, opts.ownerId, t),
  ]);
  return { id, name: opts.name, owner_id: opts.ownerId, personal, plan: "free", created_at: t, role: "owner" };
}

/** Points the user's default and (if any) this auth session at a workspace. */
export async function setCurrentWorkspace(
  env: AppBindings,
  userId: string,
  workspaceId: string,
  authSessionId: string | null,
): Promise<void> {
  const stmts = [env.DB.prepare("UPDATE users SET current_workspace_id = ? WHERE id = ?").bind(workspaceId, userId)];
  if (authSessionId) {
    stmts.push(
      env.DB.prepare("UPDATE auth_sessions SET workspace_id = ? WHERE id = ? AND user_id = ?").bind(workspaceId, authSessionId, userId),
    );
  }
  await env.DB.batch(stmts);
}

/** Moves every session of the user that pointed at `fromWorkspaceId` back to their personal workspace. */
export async function movePointersOff(env: AppBindings, userId: string, fromWorkspaceId: string): Promise<void> {
  const personal = await env.DB.prepare(
    "SELECT w.id FROM workspaces w JOIN memberships m ON m.workspace_id = w.id WHERE m.user_id = ? AND w.personal = 1 AND w.deleted_at IS NULL AND w.id != ?",
  )
    .bind(userId, fromWorkspaceId)
    .first<{ id: string }>();
  const target = personal?.id ?? null;
  await env.DB.batch([
    env.DB.prepare("UPDATE users SET current_workspace_id = ? WHERE id = ? AND current_workspace_id = ?").bind(
      target,
      userId,
      fromWorkspaceId,
    ),
    env.DB.prepare("UPDATE auth_sessions SET workspace_id = ? WHERE user_id = ? AND workspace_id = ?").bind(
      target,
      userId,
      fromWorkspaceId,
    ),
  ]);
}

/**
 * Deletes a workspace and everything in it in one transaction. The workspace, its sessions,
 * templates and snapshots are marked deleted (the reconciler stops runtimes; purge removes rows
 * and storage later, so a delete stays recoverable until then). Every lookup filters deleted
 * workspaces, so memberships and secrets become unreachable at once; pending invites and
 * workspace-scoped API tokens are revoked.
 */
export async function deleteWorkspace(env: AppBindings, workspaceId: string): Promise<void> {
  const t = now();
  const db = env.DB;
  const members = await db.prepare("SELECT user_id FROM memberships WHERE workspace_id = ?").bind(workspaceId).all<{ user_id: string }>();
  await db.batch([
    db.prepare("UPDATE workspaces SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL").bind(t, t, workspaceId),
    db.prepare("UPDATE sessions SET deleted_at = ?, updated_at = ? WHERE workspace_id = ? AND deleted_at IS NULL").bind(t, t, workspaceId),
    db.prepare("UPDATE templates SET deleted_at = ?, updated_at = ? WHERE workspace_id = ? AND deleted_at IS NULL").bind(t, t, workspaceId),
    db.prepare("UPDATE snapshots SET deleted_at = ? WHERE workspace_id = ? AND deleted_at IS NULL").bind(t, workspaceId),
    db.prepare("UPDATE invites SET revoked_at = ? WHERE workspace_id = ? AND used_at IS NULL AND revoked_at IS NULL").bind(t, workspaceId),
    db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE workspace_id = ? AND revoked_at IS NULL").bind(t, workspaceId),
  ]);
  for (const m of members.results) await movePointersOff(env, m.user_id, workspaceId);
}
