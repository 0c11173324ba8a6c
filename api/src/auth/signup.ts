import { ApiError } from "@burstflare/sdk/errors";
import type { Role } from "@burstflare/sdk/states";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { assertCreatorCanStillInvite, hashInviteCode } from "../workspaces/invites";
import { claimInviteRow, findAdmissionInvite, releaseInviteRow } from "../workspaces/invites-repo";
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
  const row = await findAdmissionInvite(dbOf(env), await hashInviteCode(inviteCode));
  if (!row?.workspaceAlive) throw new ApiError("not_found", "invite code not recognised");
  if (row.revokedAt) throw new ApiError("gone", "this invite was revoked", { details: { reason: "revoked" } });
  if (row.usedAt) throw new ApiError("gone", "this invite was already used", { details: { reason: "used" } });
  if (row.expiresAt <= now()) throw new ApiError("gone", "this invite has expired", { details: { reason: "expired" } });
  if (row.email && row.email.toLowerCase() !== email.toLowerCase()) {
    throw new ApiError("forbidden", "this invite is for a different email address", { details: { reason: "wrong_email" } });
  }
  // Under invite-only, admitting a person is an operator's decision: a workspace admin's invite
  // adds existing accounts to the workspace but cannot create one.
  if (policy === "invite-only" && row.workspaceId) {
    const message = "a workspace invite adds existing accounts only; ask an operator for a sign-up invite, then accept this one";
    throw new ApiError("signup_closed", message, { details: { reason: "workspace_invite" } });
  }
  if (row.workspaceId) await assertCreatorCanStillInvite(dbOf(env), { ...row, workspaceId: row.workspaceId });
  return {
    kind: "invite",
    id: row.id,
    workspaceId: row.workspaceId,
    role: row.workspaceId ? row.role : "owner",
    emailBound: row.email !== null,
  };
}

/** Claims the invite for the new user; false when someone else used it in the meantime. */
export async function claimInvite(env: AppBindings, invite: AdmissionInvite, userId: string): Promise<boolean> {
  if (invite.kind === "bootstrap") return claimBootstrapCode(env, invite.id, userId);
  return claimInviteRow(dbOf(env), invite.id, userId, now());
}

/** Undo a claim when account creation failed, so the invite is not burnt. */
export async function releaseInvite(env: AppBindings, invite: AdmissionInvite, userId: string): Promise<void> {
  if (invite.kind === "bootstrap") return releaseBootstrapCode(env, invite.id, userId);
  await releaseInviteRow(dbOf(env), invite.id, userId);
}
