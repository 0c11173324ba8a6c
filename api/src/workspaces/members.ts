import { ApiError } from "../../../sdk/errors";
import type { Member } from "../../../sdk/schemas/workspaces";
import type { Role } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { iso, now } from "../lib/time";
import { movePointersOff } from "./store";

interface MemberRow {
  user_id: string;
  email: string;
  name: string | null;
  role: Role;
  created_at: number;
}

const toMember = (r: MemberRow): Member => ({
  userId: r.user_id,
  email: r.email,
  name: r.name,
  role: r.role,
  joinedAt: iso(r.created_at) ?? "",
});

export async function listMembers(env: AppBindings, workspaceId: string): Promise<Member[]> {
  const rows = await env.DB.prepare(
    `SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.workspace_id = ? AND u.deleted_at IS NULL
     ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, m.created_at`,
  )
    .bind(workspaceId)
    .all<MemberRow>();
  return rows.results.map(toMember);
}

export async function getMember(env: AppBindings, workspaceId: string, userId: string): Promise<Member> {
  const row = await env.DB.prepare(
    `SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.workspace_id = ? AND m.user_id = ? AND u.deleted_at IS NULL`,
  )
    .bind(workspaceId, userId)
    .first<MemberRow>();
  if (!row) throw new ApiError("not_found", "member not found");
  return toMember(row);
}

async function ownerCount(env: AppBindings, workspaceId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = ? AND role = 'owner'")
    .bind(workspaceId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Role rules: only owners make or unmake owners (admins cannot touch an owner at all),
 * and the last owner cannot be demoted.
 */
export async function changeRole(
  env: AppBindings,
  workspaceId: string,
  actor: { userId: string; role: Role },
  targetUserId: string,
  role: Role,
): Promise<Member> {
  const target = await getMember(env, workspaceId, targetUserId);
  if ((target.role === "owner" || role === "owner") && actor.role !== "owner") {
    throw new ApiError("forbidden", "only owners can grant or change the owner role");
  }
  if (target.role === role) return target;
  if (target.role === "owner" && (await ownerCount(env, workspaceId)) <= 1) {
    throw new ApiError("invalid_state", "cannot demote the last owner; make someone else owner first");
  }
  // The guard in SQL keeps a concurrent demotion from leaving the workspace without an owner.
  const res = await env.DB.prepare(
    `UPDATE memberships SET role = ? WHERE workspace_id = ? AND user_id = ?
     AND (role != 'owner' OR (SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND role = 'owner') > 1)`,
  )
    .bind(role, workspaceId, targetUserId, workspaceId)
    .run();
  if (res.meta.changes !== 1) throw new ApiError("invalid_state", "cannot demote the last owner");
  if (target.role === "owner") await syncOwnerId(env, workspaceId);
  return { ...target, role };
}

/** Removes a member (or, with actor === target, leaves). Never leaves a workspace without an owner. */
export async function removeMember(
  env: AppBindings,
  workspaceId: string,
  actor: { userId: string; role: Role },
  targetUserId: string,
): Promise<Member> {
  const target = await getMember(env, workspaceId, targetUserId);
  const self = actor.userId === targetUserId;
  if (!self && target.role === "owner" && actor.role !== "owner") {
    throw new ApiError("forbidden", "only owners can remove an owner");
  }
  const res = await env.DB.prepare(
    `DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?
     AND (role != 'owner' OR (SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND role = 'owner') > 1)`,
  )
    .bind(workspaceId, targetUserId, workspaceId)
    .run();
  if (res.meta.changes !== 1) {
    throw new ApiError(
      "invalid_state",
      self ? "you are the last owner: transfer ownership or delete the workspace instead" : "cannot remove the last owner",
    );
  }
  if (target.role === "owner") await syncOwnerId(env, workspaceId);
  await movePointersOff(env, targetUserId, workspaceId);
  return target;
}

/** Makes a member the owner; the previous owner stays on as admin. */
export async function transferOwnership(env: AppBindings, workspaceId: string, fromUserId: string, toUserId: string): Promise<Member> {
  if (fromUserId === toUserId) throw new ApiError("bad_request", "you already own this workspace");
  const target = await getMember(env, workspaceId, toUserId);
  const t = now();
  await env.DB.batch([
    env.DB.prepare("UPDATE memberships SET role = 'owner' WHERE workspace_id = ? AND user_id = ?").bind(workspaceId, toUserId),
    env.DB.prepare("UPDATE memberships SET role = 'admin' WHERE workspace_id = ? AND user_id = ?").bind(workspaceId, fromUserId),
    env.DB.prepare("UPDATE workspaces SET owner_id = ?, updated_at = ? WHERE id = ?").bind(toUserId, t, workspaceId),
  ]);
  return { ...target, role: "owner" };
}

/** workspaces.owner_id names the primary owner; keep it pointing at someone who still is one. */
async function syncOwnerId(env: AppBindings, workspaceId: string): Promise<void> {
  await env.DB.prepare(
    `UPDATE workspaces SET owner_id = (SELECT user_id FROM memberships WHERE workspace_id = ?1 AND role = 'owner' ORDER BY created_at LIMIT 1)
     WHERE id = ?1 AND owner_id NOT IN (SELECT user_id FROM memberships WHERE workspace_id = ?1 AND role = 'owner')`,
  )
    .bind(workspaceId)
    .run();
}
