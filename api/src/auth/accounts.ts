import { ApiError } from "../../../sdk/errors";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { now } from "../lib/time";
import { emailProofInsert } from "./operator-proof";
import { newRecoveryCodes } from "./recovery-codes";
import type { AdmissionInvite } from "./signup";

export interface NewPasskey {
  id: string;
  publicKey: string;
  counter: number;
  transports: string[] | undefined;
  deviceType: string;
  backedUp: boolean;
  name: string;
}

export const passkeyInsert = (env: AppBindings, userId: string, p: NewPasskey, t: number): D1PreparedStatement =>
  env.DB.prepare(
    `INSERT INTO passkeys (id, user_id, public_key, counter, transports, device_type, backed_up, name, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).bind(
    p.id,
    userId,
    p.publicKey,
    p.counter,
    p.transports ? JSON.stringify(p.transports) : null,
    p.deviceType,
    p.backedUp ? 1 : 0,
    p.name,
    t,
  );

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
  const statements = [
    env.DB.prepare("INSERT INTO users (id, email, name, current_workspace_id, created_at) VALUES (?, ?, ?, ?, ?)").bind(
      opts.userId,
      opts.email,
      opts.name,
      currentWorkspaceId,
      t,
    ),
    env.DB.prepare(
      "INSERT INTO workspaces (id, name, owner_id, personal, plan, created_at, updated_at) VALUES (?, ?, ?, 1, 'free', ?, ?)",
    ).bind(workspaceId, displayName, opts.userId, t, t),
    env.DB.prepare("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)").bind(
      workspaceId,
      opts.userId,
      t,
    ),
    passkeyInsert(env, opts.userId, opts.passkey, t),
    ...codeStatements,
  ];
  // An operator invite bound to this email, or the bootstrap code, proves the address.
  if (opts.invite && !opts.invite.workspaceId && opts.invite.emailBound) {
    const method = opts.invite.kind === "bootstrap" ? "bootstrap" : "operator_invite";
    statements.push(emailProofInsert(env, { userId: opts.userId, email: opts.email, method, proofId: opts.invite.id.slice(0, 24) }, t));
  }
  if (joined && opts.invite) {
    statements.push(
      env.DB.prepare("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)").bind(
        joined,
        opts.userId,
        opts.invite.role,
        t,
      ),
    );
  }
  try {
    await env.DB.batch(statements);
  } catch (err) {
    if (String(err).includes("UNIQUE")) throw new ApiError("conflict", "an account with this email or passkey already exists");
    throw err;
  }
  return { recoveryCodes: codes, personalWorkspaceId: workspaceId, currentWorkspaceId };
}
