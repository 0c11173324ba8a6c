import type { Db } from "../lib/db";

/** Statements that replace the user's codes (hashes only), for the caller's batch. */
export function replaceRecoveryCodesStatements(
  db: Db,
  userId: string,
  codes: { id: string; codeHash: string }[],
  t: number,
): D1PreparedStatement[] {
  return [
    db.statement("DELETE FROM recovery_codes WHERE user_id = ?", userId),
    ...codes.map((c) =>
      db.statement("INSERT INTO recovery_codes (id, user_id, code_hash, created_at) VALUES (?, ?, ?, ?)", c.id, userId, c.codeHash, t),
    ),
  ];
}

/** Marks a matching unused code used; false when there is none. */
export async function markRecoveryCodeUsed(db: Db, userId: string, codeHash: string, t: number): Promise<boolean> {
  return db.returnsRow(
    "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL RETURNING id",
    t,
    userId,
    codeHash,
  );
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  return db.count("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", userId);
}
