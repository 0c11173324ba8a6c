import { ApiError } from "@burstflare/sdk/errors";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { insertMemberStatement } from "../workspaces/members-repo";
import { insertPersonalWorkspaceStatement } from "../workspaces/workspaces-repo";
import { insertEmailProofStatement } from "./operator-proofs-repo";
import { insertPasskeyStatement, type NewPasskey } from "./passkeys-repo";
import { newRecoveryCodes } from "./recovery-codes";
import type { AdmissionInvite } from "./signup";
import { insertUserStatement } from "./users-repo";

/**
 * Creates user, personal workspace (owner), first passkey, recovery codes and, for a
 * workspace invite, the membership there, in one D1 batch (one transaction): either
 * the whole account exists afterwards or none of it does.
 */
export async function createAccount(
  env: AppBindings,
  opts: { userId: string; email: string; name: string | null; passkey: NewPasskey; invite: AdmissionInvite | null },
): Promise<{ recoveryCodes: string[]; personalWorkspaceId: string; currentWorkspaceId: string }> {
  const t = now();
  const workspaceId = newId("ws");
  const displayName = opts.name ?? opts.email.split("@")[0] ?? opts.email;
  const joined = opts.invite?.workspaceId ?? null;
  const currentWorkspaceId = joined ?? workspaceId;
  const { codes, statements: codeStatements } = await newRecoveryCodes(env, opts.userId);
  const db = dbOf(env);
  const statements = [
    insertUserStatement(db, { id: opts.userId, email: opts.email, name: opts.name, currentWorkspaceId, createdAt: t }),
    insertPersonalWorkspaceStatement(db, { id: workspaceId, name: displayName, ownerId: opts.userId, createdAt: t }),
    insertMemberStatement(db, workspaceId, opts.userId, "owner", t),
    insertPasskeyStatement(db, opts.userId, opts.passkey, t),
    ...codeStatements,
  ];
  // An operator invite bound to this email, or the bootstrap code, proves the address.
  if (opts.invite && !opts.invite.workspaceId && opts.invite.emailBound) {
    const method = opts.invite.kind === "bootstrap" ? "bootstrap" : "operator_invite";
    statements.push(
      insertEmailProofStatement(db, { userId: opts.userId, email: opts.email, method, proofId: opts.invite.id.slice(0, 24) }, t),
    );
  }
  if (joined && opts.invite) statements.push(insertMemberStatement(db, joined, opts.userId, opts.invite.role, t));
  try {
    await db.batch(statements);
  } catch (err) {
    if (String(err).includes("UNIQUE")) throw new ApiError("conflict", "an account with this email or passkey already exists");
    throw err;
  }
  return { recoveryCodes: codes, personalWorkspaceId: workspaceId, currentWorkspaceId };
}
