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

/** Used at sign-up (personal workspace) and by POST /api/workspaces, which passes the owner's limit. */
export async function createWorkspace(
  env: AppBindings,
  opts: { ownerId: string; name: string; personal?: boolean; maxOwned?: number },
): Promise<WorkspaceRow> {
  const id = newId("ws");
  const t = now();
  const personal = opts.personal ? 1 : 0;
  // The count and the insert are one statement, so parallel creates cannot pass the limit together.
  const [inserted] = await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO workspaces (id, name, owner_id, personal, plan, created_at, updated_at)
       SELECT ?, ?, ?, ?, 'free', ?, ? WHERE (SELECT COUNT(*) FROM workspaces WHERE owner_id = ? AND deleted_at IS NULL) < ?`,
    ).bind(id, opts.name, opts.ownerId, personal, t, t, opts.ownerId, opts.maxOwned ?? Number.MAX_SAFE_INTEGER),
    env.DB.prepare(
      "INSERT INTO memberships (workspace_id, user_id, role, created_at) SELECT id, ?, 'owner', ? FROM workspaces WHERE id = ?",
    ).bind(opts.ownerId, t, id),
  ]);
  if (inserted?.meta.changes !== 1) {
    const owned = await env.DB.prepare("SELECT COUNT(*) AS n FROM workspaces WHERE owner_id = ? AND deleted_at IS NULL")
      .bind(opts.ownerId)
      .first<{ n: number }>();
    throw new ApiError(
      "quota_exceeded",
      `you may own at most ${opts.maxOwned} workspaces; delete one or ask an operator to raise the limit`,
      {
        details: { limit: "ownedWorkspaces", max: opts.maxOwned, current: owned?.n ?? 0 },
      },
    );
  }
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

export const DEFAULT_MAX_OWNED_WORKSPACES = 5;

/** Workspaces a user may own: the operator's per-user override, else MAX_OWNED_WORKSPACES, else 5. */
export async function maxOwnedWorkspaces(env: AppBindings, userId: string): Promise<{ limit: number; override: number | null }> {
  const row = await env.DB.prepare("SELECT max_owned_workspaces FROM users WHERE id = ?")
    .bind(userId)
    .first<{ max_owned_workspaces: number | null }>();
  const override = row?.max_owned_workspaces ?? null;
  const v = (env as unknown as Record<string, unknown>).MAX_OWNED_WORKSPACES;
  const raw = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  const fallback = Number.isInteger(raw) && raw >= 0 ? raw : DEFAULT_MAX_OWNED_WORKSPACES;
  return { limit: override ?? fallback, override };
}
