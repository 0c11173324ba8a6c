import { z } from "zod";
import type { Db } from "../lib/db";

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

/** Claims an unused, unexpired code for the user; false when someone else used it in the meantime. */
export async function claimBootstrapCodeRow(db: Db, codeHash: string, userId: string, t: number): Promise<boolean> {
  return db.returnsRow(
    "UPDATE operator_bootstrap_codes SET used_at = ?, used_by = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING code_hash",
    t,
    userId,
    codeHash,
    t,
  );
}

/** Undoes claimBootstrapCodeRow for this user. */
export async function releaseBootstrapCodeRow(db: Db, codeHash: string, userId: string): Promise<void> {
  await db.run("UPDATE operator_bootstrap_codes SET used_at = NULL, used_by = NULL WHERE code_hash = ? AND used_by = ?", codeHash, userId);
}

/**
 * Single use: the code update and the proof insert share one transaction and the same guard;
 * false when the code was used or expired in the meantime.
 */
export async function redeemBootstrapCodeAsProof(
  db: Db,
  user: { userId: string; email: string },
  codeHash: string,
  t: number,
): Promise<boolean> {
  const guard = "code_hash = ? AND used_at IS NULL AND expires_at > ?";
  const [claimed] = await db.batch([
    db.statement(`UPDATE operator_bootstrap_codes SET used_at = ?, used_by = ? WHERE ${guard}`, t, user.userId, codeHash, t),
    db.statement(
      `INSERT OR REPLACE INTO email_proofs (user_id, email, method, proof_id, created_at)
       SELECT ?, ?, 'bootstrap', ?, ? FROM operator_bootstrap_codes WHERE code_hash = ? AND used_by = ? AND used_at = ?`,
      user.userId,
      user.email,
      codeHash.slice(0, 12),
      t,
      codeHash,
      user.userId,
      t,
    ),
  ]);
  return claimed === 1;
}

/** The same for an operator's sign-up invite bound to the user's email. */
export async function redeemOperatorInviteAsProof(
  db: Db,
  user: { userId: string; email: string },
  inviteId: string,
  t: number,
): Promise<boolean> {
  const [claimed] = await db.batch([
    db.statement(
      "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
      t,
      user.userId,
      inviteId,
      t,
    ),
    db.statement(
      `INSERT OR REPLACE INTO email_proofs (user_id, email, method, proof_id, created_at)
       SELECT ?, ?, 'operator_invite', id, ? FROM invites WHERE id = ? AND used_by = ? AND used_at = ?`,
      user.userId,
      user.email,
      t,
      inviteId,
      user.userId,
      t,
    ),
  ]);
  return claimed === 1;
}
