import { ApiError } from "../../../sdk/errors";
import type { Role } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { now } from "../lib/time";
import { hashInviteCode } from "../workspaces/invites";
import { authConfig } from "./config";
import { BOOTSTRAP_PREFIX, checkBootstrapCode, claimBootstrapCode, isOperatorEmail, releaseBootstrapCode } from "./operator-proof";

/** An invite that admits a new account: operator sign-up invite (no workspace) or, unless invite-only, workspace invite. */
export interface AdmissionInvite {
  /** A bootstrap code admits its listed operator on a deployment nobody can invite to yet. */
  kind: "invite" | "bootstrap";
  /** The invite id, or the bootstrap code's hash. */
  id: string;
  workspaceId: string | null;
  role: Role;
  /** The invite was bound to the registering email, so using it proves the address. */
  emailBound: boolean;
}

interface InviteRow {
  id: string;
  workspace_id: string | null;
  email: string | null;
  role: Role;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
  ws_alive: number | null;
}

/**
 * Applies SIGNUP_POLICY. Returns the invite that will be consumed at registration, if any.
 * Invite errors use the same codes as accepting a workspace invite (404 / 410 / 403).
 */
export async function checkSignupAllowed(env: AppBindings, email: string, inviteCode: string | undefined): Promise<AdmissionInvite | null> {
  const policy = authConfig(env).signupPolicy;
  if (policy === "closed") throw new ApiError("signup_closed", "sign-up is closed");
  if (inviteCode?.trim().startsWith(BOOTSTRAP_PREFIX)) {
    if (!isOperatorEmail(env, email)) {
      throw new ApiError("forbidden", "a bootstrap code admits only an address in OPERATOR_EMAILS", { details: { reason: "wrong_email" } });
    }
    return { kind: "bootstrap", id: await checkBootstrapCode(env, inviteCode), workspaceId: null, role: "owner", emailBound: true };
  }
  if (!inviteCode) {
    if (policy === "invite-only") throw new ApiError("signup_closed", "sign-up needs an invite code during the beta");
    return null;
  }
  const row = await env.DB.prepare(
    `SELECT i.id, i.workspace_id, i.email, i.role, i.expires_at, i.used_at, i.revoked_at,
            CASE WHEN i.workspace_id IS NULL THEN 1 ELSE (SELECT 1 FROM workspaces w WHERE w.id = i.workspace_id AND w.deleted_at IS NULL) END AS ws_alive
     FROM invites i WHERE i.code_hash = ?`,
  )
    .bind(await hashInviteCode(inviteCode))
    .first<InviteRow>();
  if (!row?.ws_alive) throw new ApiError("not_found", "invite code not recognised");
  if (row.revoked_at) throw new ApiError("gone", "this invite was revoked", { details: { reason: "revoked" } });
  if (row.used_at) throw new ApiError("gone", "this invite was already used", { details: { reason: "used" } });
  if (row.expires_at <= now()) throw new ApiError("gone", "this invite has expired", { details: { reason: "expired" } });
  if (row.email && row.email.toLowerCase() !== email.toLowerCase()) {
    throw new ApiError("forbidden", "this invite is for a different email address", { details: { reason: "wrong_email" } });
  }
  // Under invite-only, admitting a person is an operator's decision: a workspace admin's invite
  // adds existing accounts to the workspace but cannot create one.
  if (policy === "invite-only" && row.workspace_id) {
    const message = "a workspace invite adds existing accounts only; ask an operator for a sign-up invite, then accept this one";
    throw new ApiError("signup_closed", message, { details: { reason: "workspace_invite" } });
  }
  return {
    kind: "invite",
    id: row.id,
    workspaceId: row.workspace_id,
    role: row.workspace_id ? row.role : "owner",
    emailBound: row.email !== null,
  };
}

/** Claims the invite for the new user; false when someone else used it in the meantime. */
export async function claimInvite(env: AppBindings, invite: AdmissionInvite, userId: string): Promise<boolean> {
  if (invite.kind === "bootstrap") return claimBootstrapCode(env, invite.id, userId);
  const inviteId = invite.id;
  const t = now();
  const row = await env.DB.prepare(
    "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? RETURNING id",
  )
    .bind(t, userId, inviteId, t)
    .first<{ id: string }>();
  return row !== null;
}

/** Undo a claim when account creation failed, so the invite is not burnt. */
export async function releaseInvite(env: AppBindings, invite: AdmissionInvite, userId: string): Promise<void> {
  if (invite.kind === "bootstrap") return releaseBootstrapCode(env, invite.id, userId);
  await env.DB.prepare("UPDATE invites SET used_at = NULL, used_by = NULL WHERE id = ? AND used_by = ?").bind(invite.id, userId).run();
}
