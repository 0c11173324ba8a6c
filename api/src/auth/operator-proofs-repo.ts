import { z } from "zod";
import type { Db } from "../lib/db";
import { claimInviteStatement } from "../workspaces/invites-repo";

/** email_proofs (which address each user proved) and the one-time operator_bootstrap_codes. */

export const insertEmailProofStatement = (
  db: Db,
  p: { userId: string; email: string; method: "bootstrap" | "operator_invite"; proofId: string },
  t: number,
): D1PreparedStatement =>
  db.statement(
    "INSERT OR IGNORE INTO email_proofs (user_id, email, method, proof_id, created_at) VALUES (?, ?, ?, ?, ?)",
    p.userId,
    p.email,
    p.method,
    p.proofId,
    t,
  );

/** Replaces any unused bootstrap code with this one, in one transaction. */
export async function replaceBootstrapCode(db: Db, codeHash: string, t: number, expiresAt: number): Promise<void> {
  await db.batch([
    db.statement("DELETE FROM operator_bootstrap_codes WHERE used_at IS NULL"),
    db.statement("INSERT INTO operator_bootstrap_codes (code_hash, created_at, expires_at) VALUES (?, ?, ?)", codeHash, t, expiresAt),
  ]);
}

export async function findBootstrapCode(db: Db, codeHash: string): Promise<{ expiresAt: number; usedAt: number | null } | null> {
  const row = await db.one(
    z.object({ expires_at: z.number(), used_at: z.number().nullable() }),
    "SELECT expires_at, used_at FROM operator_bootstrap_codes WHERE code_hash = ?",
    codeHash,
  );
  return row && { expiresAt: row.expires_at, usedAt: row.used_at };
}

/** Marks an unused, unexpired code used by a user (binds: the time, the user, the code's hash, the time). */
const CLAIM_CODE =
  "UPDATE operator_bootstrap_codes SET used_at = ?, used_by = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?";

/** Claims an unused, unexpired code for the user; false when someone else used it in the meantime. */
export async function claimBootstrapCodeRow(db: Db, codeHash: string, userId: string, t: number): Promise<boolean> {
  return db.returnsRow(`${CLAIM_CODE} RETURNING code_hash`, t, userId, codeHash, t);
}

/** Undoes claimBootstrapCodeRow for this user. */
export async function releaseBootstrapCodeRow(db: Db, codeHash: string, userId: string): Promise<void> {
  await db.run("UPDATE operator_bootstrap_codes SET used_at = NULL, used_by = NULL WHERE code_hash = ? AND used_by = ?", codeHash, userId);
}

/** Where a proof comes from: the claimed row (`key` = `value` in `table`) and the proof id recorded. */
interface ProofSource {
  method: "bootstrap" | "operator_invite";
  proofId: string;
  table: "operator_bootstrap_codes" | "invites";
  key: "code_hash" | "id";
  value: string;
}

/**
 * Single use: the claim and the proof insert share one transaction, and the proof is written only
 * from the row the claim marked (used_by, used_at); false when it was used or expired in the meantime.
 */
async function claimAsProof(
  db: Db,
  claim: D1PreparedStatement,
  source: ProofSource,
  user: { userId: string; email: string },
  t: number,
): Promise<boolean> {
  const [claimed] = await db.batch([
    claim,
    db.statement(
      `INSERT OR REPLACE INTO email_proofs (user_id, email, method, proof_id, created_at)
       SELECT ?, ?, ?, ?, ? FROM ${source.table} WHERE ${source.key} = ? AND used_by = ? AND used_at = ?`,
      user.userId,
      user.email,
      source.method,
      source.proofId,
      t,
      source.value,
      user.userId,
      t,
    ),
  ]);
  return claimed === 1;
}

/** Redeems a bootstrap code as the user's proof of their email. */
export function redeemBootstrapCodeAsProof(db: Db, user: { userId: string; email: string }, codeHash: string, t: number): Promise<boolean> {
  const source = {
    method: "bootstrap",
    proofId: codeHash.slice(0, 12),
    table: "operator_bootstrap_codes",
    key: "code_hash",
    value: codeHash,
  } as const;
  return claimAsProof(db, db.statement(CLAIM_CODE, t, user.userId, codeHash, t), source, user, t);
}

/** The same for an operator's sign-up invite bound to the user's email. */
export function redeemOperatorInviteAsProof(
  db: Db,
  user: { userId: string; email: string },
  inviteId: string,
  t: number,
): Promise<boolean> {
  const source = { method: "operator_invite", proofId: inviteId, table: "invites", key: "id", value: inviteId } as const;
  return claimAsProof(db, claimInviteStatement(db, inviteId, user.userId, t), source, user, t);
}
