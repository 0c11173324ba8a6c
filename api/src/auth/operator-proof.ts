import { ApiError } from "@burstflare/sdk/errors";
import type { AppBindings } from "../env";
import { randomToken, sha256Hex } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { hashInviteCode } from "../workspaces/invites";
import { findSignupInviteByCode } from "../workspaces/invites-repo";
import {
  claimBootstrapCodeRow,
  findBootstrapCode,
  redeemBootstrapCodeAsProof,
  redeemOperatorInviteAsProof,
  releaseBootstrapCodeRow,
  replaceBootstrapCode,
} from "./operator-proofs-repo";

/**
 * OPERATOR_EMAILS names addresses, but anyone can register an account with any address. Operator
 * rights therefore also need a proof that the account's holder controls that address: a one-time
 * bootstrap code printed to the deployer's console (scripts/lib/bootstrap-code.mjs writes its hash),
 * or an operator's sign-up invite bound to that email.
 */
export const BOOTSTRAP_PREFIX = "bfb_";
const BOOTSTRAP_TTL_MS = 24 * 3600 * 1000;

/** Same hashing as scripts/lib/bootstrap-code.mjs, which stores codes for `npm run dev` and deploys. */
const hashBootstrapCode = (code: string): Promise<string> => sha256Hex(`bf-bootstrap:${code.trim()}`);

export function isOperatorEmail(env: AppBindings, email: string): boolean {
  return (env.OPERATOR_EMAILS ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
    .includes(email.toLowerCase());
}

/** Operator status: listed in OPERATOR_EMAILS and the address proven for this account. */
export const isOperator = (env: AppBindings, email: string, emailProven: boolean): boolean => emailProven && isOperatorEmail(env, email);

/**
 * A new bootstrap code, replacing any unused one (only the last code printed works). The scripts
 * write the same row with SQL; this is for callers inside the Worker's runtime (tests).
 */
export async function createBootstrapCode(env: AppBindings, ttlMs = BOOTSTRAP_TTL_MS): Promise<string> {
  const code = BOOTSTRAP_PREFIX + randomToken(24);
  const t = now();
  await replaceBootstrapCode(dbOf(env), await hashBootstrapCode(code), t, t + ttlMs);
  return code;
}

/** The stored hash of a usable bootstrap code; unknown → 404, used or expired → 410. */
export async function checkBootstrapCode(env: AppBindings, code: string): Promise<string> {
  const hash = await hashBootstrapCode(code);
  const row = await findBootstrapCode(dbOf(env), hash);
  if (!row) throw new ApiError("not_found", "bootstrap code not recognised (only the last one printed works)");
  if (row.usedAt) throw new ApiError("gone", "this bootstrap code was already used", { details: { reason: "used" } });
  if (row.expiresAt <= now()) throw new ApiError("gone", "this bootstrap code has expired", { details: { reason: "expired" } });
  return hash;
}

/** Claims a code for an account being created; false when someone else used it in the meantime. */
export async function claimBootstrapCode(env: AppBindings, hash: string, userId: string): Promise<boolean> {
  return claimBootstrapCodeRow(dbOf(env), hash, userId, now());
}

export async function releaseBootstrapCode(env: AppBindings, hash: string, userId: string): Promise<void> {
  await releaseBootstrapCodeRow(dbOf(env), hash, userId);
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
  const claimed = await redeemBootstrapCodeAsProof(dbOf(env), user, hash, t);
  if (!claimed) throw new ApiError("gone", "this bootstrap code was already used", { details: { reason: "used" } });
}

/**
 * Redeems an operator's sign-up invite bound to the caller's email for an existing account: the
 * code reached that mailbox, so it proves the address. Invites with no email prove nothing.
 */
export async function redeemOperatorInvite(env: AppBindings, user: { userId: string; email: string }, code: string): Promise<void> {
  const t = now();
  const db = dbOf(env);
  const row = await findSignupInviteByCode(db, await hashInviteCode(code));
  if (!row) throw new ApiError("not_found", "code not recognised");
  if (!row.email || row.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new ApiError("forbidden", "this invite is not bound to your email address", { details: { reason: "wrong_email" } });
  }
  if (row.revokedAt) throw new ApiError("gone", "this invite was revoked", { details: { reason: "revoked" } });
  if (row.usedAt) throw new ApiError("gone", "this invite was already used", { details: { reason: "used" } });
  if (row.expiresAt <= t) throw new ApiError("gone", "this invite has expired", { details: { reason: "expired" } });
  const claimed = await redeemOperatorInviteAsProof(db, user, row.id, t);
  if (!claimed) throw new ApiError("gone", "this invite was already used", { details: { reason: "used" } });
}
