import { ApiError } from "../../../sdk/errors";
import type { AppBindings } from "../env";
import { randomToken, sha256Hex } from "../lib/crypto";
import { now } from "../lib/time";
import { hashInviteCode } from "../workspaces/invites";

/**
 * OPERATOR_EMAILS names addresses, but anyone can register an account with any address. Operator
 * rights therefore also need a proof that the account's holder controls that address: a one-time
 * bootstrap code printed to the deployer's console (scripts/lib/bootstrap-code.mjs writes its hash),
 * or an operator's sign-up invite bound to that email.
 */
export const BOOTSTRAP_PREFIX = "bfb_";
export const BOOTSTRAP_TTL_MS = 24 * 3600 * 1000;

/** Same hashing as scripts/lib/bootstrap-code.mjs, which stores codes for `npm run dev` and deploys. */
export const hashBootstrapCode = (code: string): Promise<string> => sha256Hex(`bf-bootstrap:${code.trim()}`);

export function isOperatorEmail(env: AppBindings, email: string): boolean {
  return (env.OPERATOR_EMAILS ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
    .includes(email.toLowerCase());
}

/** Operator status: listed in OPERATOR_EMAILS and the address proven for this account. */
export const isOperator = (env: AppBindings, email: string, emailProven: boolean): boolean => emailProven && isOperatorEmail(env, email);

/** SQL fragment for a principal query: 1 when user `u` has proven its current email. */
export const EMAIL_PROVEN_SQL = "EXISTS (SELECT 1 FROM email_proofs p WHERE p.user_id = u.id AND p.email = u.email)";

export const emailProofInsert = (
  env: AppBindings,
  opts: { userId: string; email: string; method: "bootstrap" | "operator_invite"; proofId: string },
  t: number,
): D1PreparedStatement =>
  env.DB.prepare("INSERT OR IGNORE INTO email_proofs (user_id, email, method, proof_id, created_at) VALUES (?, ?, ?, ?, ?)").bind(
    opts.userId,
    opts.email,
    opts.method,
    opts.proofId,
    t,
  );

/**
 * A new bootstrap code, replacing any unused one (only the last code printed works). The scripts
 * write the same row with SQL; this is for callers inside the Worker's runtime (tests).
 */
export async function createBootstrapCode(env: AppBindings, ttlMs = BOOTSTRAP_TTL_MS): Promise<string> {
  const code = BOOTSTRAP_PREFIX + randomToken(24);
  const t = now();
  await env.DB.batch([
    env.DB.prepare("DELETE FROM operator_bootstrap_codes WHERE used_at IS NULL"),
    env.DB.prepare("INSERT INTO operator_bootstrap_codes (code_hash, created_at, expires_at) VALUES (?, ?, ?)").bind(
      await hashBootstrapCode(code),
      t,
      t + ttlMs,
    ),
  ]);
  return code;
}

/** The stored hash of a usable bootstrap code; unknown → 404, used or expired → 410. */
export async function checkBootstrapCode(env: AppBindings, code: string): Promise<string> {
  const hash = await hashBootstrapCode(code);
  const row = await env.DB.prepare("SELECT expires_at, used_at FROM operator_bootstrap_codes WHERE code_hash = ?")
    .bind(hash)
    .first<{ expires_at: number; used_at: number | null }>();
  if (!row) throw new ApiError("not_found", "bootstrap code not recognised (only the last one printed works)");
  if (row.used_at) throw new ApiError("gone", "this bootstrap code was already used", { details: { reason: "used" } });
  if (row.expires_at <= now()) throw new ApiError("gone", "this bootstrap code has expired", { details: { reason: "expired" } });
  return hash;
}

/** Claims a code for an account being created; false when someone else used it in the meantime. */
export async function claimBootstrapCode(env: AppBindings, hash: string, userId: string): Promise<boolean> {
  const t = now();
  const row = await env.DB.prepare(
    "UPDATE operator_bootstrap_codes SET used_at = ?, used_by = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING code_hash",
  )
    .bind(t, userId, hash, t)
    .first();
  return row !== null;
}

export async function releaseBootstrapCode(env: AppBindings, hash: string, userId: string): Promise<void> {
  await env.DB.prepare("UPDATE operator_bootstrap_codes SET used_at = NULL, used_by = NULL WHERE code_hash = ? AND used_by = ?")
    .bind(hash, userId)
    .run();
}

/**
 * Redeems a bootstrap code for a signed-in user whose address is in OPERATOR_EMAILS. Single use:
 * the proof insert and the code update share one transaction and the same guard. A caller not
 * listed in OPERATOR_EMAILS is refused before the code is looked at, so it cannot burn the code.
 */
export async function redeemBootstrapCode(env: AppBindings, user: { userId: string; email: string }, code: string): Promise<void> {
  if (!isOperatorEmail(env, user.email)) {
    throw new ApiError("forbidden", "your address is not in OPERATOR_EMAILS; a bootstrap code proves only a listed address");
  }
  const hash = await checkBootstrapCode(env, code);
  const t = now();
  const guard = "code_hash = ? AND used_at IS NULL AND expires_at > ?";
  const [claimed] = await env.DB.batch([
    env.DB.prepare(`UPDATE operator_bootstrap_codes SET used_at = ?, used_by = ? WHERE ${guard}`).bind(t, user.userId, hash, t),
    env.DB.prepare(
      `INSERT OR REPLACE INTO email_proofs (user_id, email, method, proof_id, created_at)
       SELECT ?, ?, 'bootstrap', ?, ? FROM operator_bootstrap_codes WHERE code_hash = ? AND used_by = ? AND used_at = ?`,
    ).bind(user.userId, user.email, hash.slice(0, 12), t, hash, user.userId, t),
  ]);
  if (claimed?.meta.changes !== 1) throw new ApiError("gone", "this bootstrap code was already used", { details: { reason: "used" } });
}

/**
 * Redeems an operator's sign-up invite bound to the caller's email for an existing account: the
 * code reached that mailbox, so it proves the address. Invites with no email prove nothing.
 */
export async function redeemOperatorInvite(env: AppBindings, user: { userId: string; email: string }, code: string): Promise<void> {
  const t = now();
  const row = await env.DB.prepare(
    "SELECT id, email, expires_at, used_at, revoked_at FROM invites WHERE code_hash = ? AND workspace_id IS NULL",
  )
    .bind(await hashInviteCode(code))
    .first<{ id: string; email: string | null; expires_at: number; used_at: number | null; revoked_at: number | null }>();
  if (!row) throw new ApiError("not_found", "code not recognised");
  if (!row.email || row.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new ApiError("forbidden", "this invite is not bound to your email address", { details: { reason: "wrong_email" } });
  }
  if (row.revoked_at) throw new ApiError("gone", "this invite was revoked", { details: { reason: "revoked" } });
  if (row.used_at) throw new ApiError("gone", "this invite was already used", { details: { reason: "used" } });
  if (row.expires_at <= t) throw new ApiError("gone", "this invite has expired", { details: { reason: "expired" } });
  const [claimed] = await env.DB.batch([
    env.DB.prepare(
      "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
    ).bind(t, user.userId, row.id, t),
    env.DB.prepare(
      `INSERT OR REPLACE INTO email_proofs (user_id, email, method, proof_id, created_at)
       SELECT ?, ?, 'operator_invite', id, ? FROM invites WHERE id = ? AND used_by = ? AND used_at = ?`,
    ).bind(user.userId, user.email, t, row.id, user.userId, t),
  ]);
  if (claimed?.meta.changes !== 1) throw new ApiError("gone", "this invite was already used", { details: { reason: "used" } });
}
