import { ApiError } from "../../../sdk/errors";
import type { Invite } from "../../../sdk/schemas/workspaces";
import type { Role } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { newId, randomToken, sha256Hex } from "../lib/crypto";
import { iso, now } from "../lib/time";
import { getWorkspaceFor, setCurrentWorkspace, type WorkspaceRow } from "./store";

export const INVITE_PREFIX = "bfi_";

interface InviteRow {
  id: string;
  workspace_id: string | null;
  email: string | null;
  role: Role;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
  revoked_at: number | null;
}

export const hashInviteCode = (code: string): Promise<string> => sha256Hex(`bf-invite:${code.trim()}`);

function inviteStatus(r: InviteRow, t: number): Invite["status"] {
  if (r.revoked_at) return "revoked";
  if (r.used_at) return "used";
  if (r.expires_at <= t) return "expired";
  return "pending";
}

function toInvite(r: InviteRow, t = now()): Invite {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    createdBy: r.created_by,
    createdAt: iso(r.created_at) ?? "",
    expiresAt: iso(r.expires_at) ?? "",
    usedAt: iso(r.used_at),
    usedBy: r.used_by,
    revokedAt: iso(r.revoked_at),
    status: inviteStatus(r, t),
  };
}

export async function createInvite(
  env: AppBindings,
  opts: { workspaceId: string; createdBy: string; creatorRole: Role; email?: string; role: Role; expiresInHours: number },
): Promise<{ invite: Invite; code: string }> {
  if (opts.role === "owner" && opts.creatorRole !== "owner") {
    throw new ApiError("forbidden", "only owners can invite owners");
  }
  const code = INVITE_PREFIX + randomToken(24);
  const t = now();
  const row: InviteRow = {
    id: newId("inv"),
    workspace_id: opts.workspaceId,
    email: opts.email ?? null,
    role: opts.role,
    created_by: opts.createdBy,
    created_at: t,
    expires_at: t + opts.expiresInHours * 3600_000,
    used_at: null,
    used_by: null,
    revoked_at: null,
  };
  await env.DB.prepare(
    "INSERT INTO invites (id, workspace_id, code_hash, email, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(row.id, row.workspace_id, await hashInviteCode(code), row.email, row.role, row.created_by, row.created_at, row.expires_at)
    .run();
  return { invite: toInvite(row, t), code };
}

export async function listInvites(env: AppBindings, workspaceId: string): Promise<Invite[]> {
  const rows = await env.DB.prepare(
    `SELECT id, workspace_id, email, role, created_by, created_at, expires_at, used_at, used_by, revoked_at
     FROM invites WHERE workspace_id = ? ORDER BY created_at DESC LIMIT 200`,
  )
    .bind(workspaceId)
    .all<InviteRow>();
  const t = now();
  return rows.results.map((r) => toInvite(r, t));
}

export async function revokeInvite(env: AppBindings, workspaceId: string, inviteId: string): Promise<Invite> {
  const t = now();
  const row = await env.DB.prepare(
    `SELECT id, workspace_id, email, role, created_by, created_at, expires_at, used_at, used_by, revoked_at
     FROM invites WHERE id = ? AND workspace_id = ?`,
  )
    .bind(inviteId, workspaceId)
    .first<InviteRow>();
  if (!row) throw new ApiError("not_found", "invite not found");
  if (row.used_at) throw new ApiError("invalid_state", "invite was already used; remove the member instead");
  if (!row.revoked_at) {
    await env.DB.prepare("UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").bind(t, inviteId).run();
    row.revoked_at = t;
  }
  return toInvite(row, t);
}

/**
 * Redeems a workspace invite code for a signed-in (or just-registered) user. Single use:
 * the membership insert and the invite update share one transaction and the same guard.
 * Errors: unknown → 404, revoked/used/expired → 410 gone (details.reason), bound to another
 * email → 403, already a member → 409.
 */
export async function acceptInviteCode(
  env: AppBindings,
  userId: string,
  email: string,
  code: string,
): Promise<{ workspace: WorkspaceRow; inviteId: string; role: Role }> {
  const t = now();
  const row = await env.DB.prepare(
    `SELECT i.id, i.workspace_id, i.email, i.role, i.created_by, i.created_at, i.expires_at, i.used_at, i.used_by, i.revoked_at
     FROM invites i JOIN workspaces w ON w.id = i.workspace_id AND w.deleted_at IS NULL
     WHERE i.code_hash = ?`,
  )
    .bind(await hashInviteCode(code))
    .first<InviteRow & { workspace_id: string }>();
  if (!row) throw new ApiError("not_found", "invite code not recognised");
  if (row.revoked_at) throw new ApiError("gone", "this invite was revoked", { details: { reason: "revoked" } });
  if (row.used_at) throw new ApiError("gone", "this invite was already used", { details: { reason: "used" } });
  if (row.expires_at <= t) throw new ApiError("gone", "this invite has expired", { details: { reason: "expired" } });
  if (row.email && row.email.toLowerCase() !== email.toLowerCase()) {
    throw new ApiError("forbidden", "this invite is for a different email address", { details: { reason: "wrong_email" } });
  }
  const existing = await env.DB.prepare("SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?")
    .bind(row.workspace_id, userId)
    .first<{ role: Role }>();
  if (existing) throw new ApiError("conflict", `you are already a member of this workspace (${existing.role})`);

  const guard = "id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?";
  const [inserted] = await env.DB.batch([
    env.DB.prepare(
      `INSERT OR IGNORE INTO memberships (workspace_id, user_id, role, created_at)
       SELECT workspace_id, ?, role, ? FROM invites WHERE ${guard}`,
    ).bind(userId, t, row.id, t),
    env.DB.prepare(`UPDATE invites SET used_at = ?, used_by = ? WHERE ${guard}`).bind(t, userId, row.id, t),
  ]);
  if (inserted?.meta.changes !== 1) {
    throw new ApiError("gone", "this invite was already used", { details: { reason: "used" } });
  }
  await setCurrentWorkspace(env, userId, row.workspace_id, null);
  return { workspace: await getWorkspaceFor(env, userId, row.workspace_id), inviteId: row.id, role: row.role };
}
