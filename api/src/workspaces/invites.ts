import { ApiError } from "@burstflare/sdk/errors";
import { can } from "@burstflare/sdk/permissions";
import type { Invite } from "@burstflare/sdk/schemas/workspaces";
import type { Role } from "@burstflare/sdk/states";
import type { AppBindings } from "../env";
import { boundRefusal } from "../lib/bounded-rows-repo";
import { newId, randomToken, sha256Hex } from "../lib/crypto";
import { type Db, dbOf } from "../lib/db";
import { found } from "../lib/errors";
import { now } from "../lib/time";
import {
  findLiveWorkspaceInviteByCode,
  findWorkspaceInvite,
  INVITE_BOUNDS,
  insertInvite,
  listWorkspaceInvites,
  markInviteRevoked,
  redeemWorkspaceInvite,
  type StoredInvite,
  toInvite,
} from "./invites-repo";
import { findRole } from "./members-repo";
import { getWorkspaceFor, setCurrentWorkspace, type WorkspaceRecord } from "./store";

export const INVITE_PREFIX = "bfi_";

export const hashInviteCode = (code: string): Promise<string> => sha256Hex(`bf-invite:${code.trim()}`);

export async function createInvite(
  env: AppBindings,
  opts: { workspaceId: string; createdBy: string; creatorRole: Role; email?: string; role: Role; expiresInHours: number },
): Promise<{ invite: Invite; code: string }> {
  if (!mayInvite(opts.creatorRole, opts.role)) throw new ApiError("forbidden", "only owners can invite owners");
  const code = INVITE_PREFIX + randomToken(24);
  const t = now();
  const row: StoredInvite = {
    id: newId("inv"),
    workspaceId: opts.workspaceId,
    email: opts.email ?? null,
    role: opts.role,
    createdBy: opts.createdBy,
    createdAt: t,
    expiresAt: t + opts.expiresInHours * 3600_000,
    usedAt: null,
    usedBy: null,
    revokedAt: null,
  };
  const db = dbOf(env);
  if (!(await insertInvite(db, row, await hashInviteCode(code)))) {
    const refusal = { limit: "pendingInvites", what: "pending invites per workspace", hint: "revoke unused ones first" };
    throw await boundRefusal(db, INVITE_BOUNDS, opts.workspaceId, t, refusal);
  }
  return { invite: toInvite(row, t), code };
}

/** Whether a member of `creatorRole` (null: no longer a member) may make an invite for `role`: owners alone invite owners. */
function mayInvite(creatorRole: Role | null, role: Role): boolean {
  return creatorRole !== null && can(creatorRole, "invites.manage") && (role !== "owner" || creatorRole === "owner");
}

/**
 * Refuses a workspace invite whose creator could no longer make it (left, removed or demoted), as a
 * share link answers for its creator: else a removed admin rejoins with a code made before, and a
 * demoted owner's owner invite makes an owner.
 */
export async function assertCreatorCanStillInvite(db: Db, invite: { workspaceId: string; createdBy: string; role: Role }): Promise<void> {
  if (mayInvite(await findRole(db, invite.workspaceId, invite.createdBy), invite.role)) return;
  throw new ApiError("gone", "the member who made this invite can no longer invite to this workspace", {
    details: { reason: "creator_left" },
  });
}

export async function listInvites(env: AppBindings, workspaceId: string): Promise<Invite[]> {
  const rows = await listWorkspaceInvites(dbOf(env), workspaceId);
  const t = now();
  return rows.map((r) => toInvite(r, t));
}

export async function revokeInvite(env: AppBindings, workspaceId: string, inviteId: string): Promise<Invite> {
  const t = now();
  const db = dbOf(env);
  const row = found(await findWorkspaceInvite(db, workspaceId, inviteId), "invite");
  if (row.usedAt) throw new ApiError("invalid_state", "invite was already used; remove the member instead");
  if (!row.revokedAt) {
    await markInviteRevoked(db, inviteId, t);
    row.revokedAt = t;
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
): Promise<{ workspace: WorkspaceRecord; inviteId: string; role: Role }> {
  const t = now();
  const db = dbOf(env);
  const row = await findLiveWorkspaceInviteByCode(db, await hashInviteCode(code));
  if (!row) throw new ApiError("not_found", "invite code not recognised");
  if (row.revokedAt) throw new ApiError("gone", "this invite was revoked", { details: { reason: "revoked" } });
  if (row.usedAt) throw new ApiError("gone", "this invite was already used", { details: { reason: "used" } });
  if (row.expiresAt <= t) throw new ApiError("gone", "this invite has expired", { details: { reason: "expired" } });
  if (row.email && row.email.toLowerCase() !== email.toLowerCase()) {
    throw new ApiError("forbidden", "this invite is for a different email address", { details: { reason: "wrong_email" } });
  }
  await assertCreatorCanStillInvite(db, row);
  const existing = await findRole(db, row.workspaceId, userId);
  if (existing) throw new ApiError("conflict", `you are already a member of this workspace (${existing})`);

  if (!(await redeemWorkspaceInvite(db, row.id, userId, t))) {
    throw new ApiError("gone", "this invite can no longer be used", { details: { reason: "used" } });
  }
  await setCurrentWorkspace(env, userId, row.workspaceId, null);
  return { workspace: await getWorkspaceFor(env, userId, row.workspaceId), inviteId: row.id, role: row.role };
}
