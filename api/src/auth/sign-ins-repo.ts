import { type SignIn, signInSchema } from "@burstflare/sdk/schemas/auth";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

/** Sign-ins: the sign_ins table (browser cookies and CLI access tokens) and the CLI's refresh tokens. */

export async function insertSignIn(
  db: Db,
  s: {
    id: string;
    userId: string;
    kind: "browser" | "cli";
    tokenHash: string;
    workspaceId: string | null;
    userAgent: string | null;
    ip: string | null;
    createdAt: number;
    expiresAt: number;
  },
): Promise<void> {
  await db.run(
    `INSERT INTO sign_ins (id, user_id, kind, token_hash, workspace_id, user_agent, ip, created_at, last_seen_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    s.id,
    s.userId,
    s.kind,
    s.tokenHash,
    s.workspaceId,
    s.userAgent,
    s.ip,
    s.createdAt,
    s.createdAt,
    s.expiresAt,
  );
}

/**
 * A sign_ins row as the contract's SignIn, but for `current` (whether it is the caller's). Picked
 * field by field: the list has always answered with `ip` before `userAgent`.
 */
const signIn = rowOf(signInSchema.pick({ id: true, kind: true, ip: true, userAgent: true, createdAt: true, lastSeenAt: true }), {
  times: ["createdAt", "lastSeenAt"],
});

/** The user's usable sign-ins (unexpired, or a CLI one that can still refresh), most recently seen first. */
export async function listActiveSignIns(db: Db, userId: string, currentId: string | null, t: number): Promise<SignIn[]> {
  const signIns = await db.all(
    signIn,
    `SELECT s.id, s.kind, s.user_agent, s.ip, s.created_at, s.last_seen_at FROM sign_ins s
     WHERE s.user_id = ? AND s.revoked_at IS NULL AND (s.expires_at > ? OR EXISTS (
       SELECT 1 FROM refresh_tokens r WHERE r.sign_in_id = s.id AND r.used_at IS NULL AND r.revoked_at IS NULL AND r.expires_at > ?))
     ORDER BY s.last_seen_at DESC LIMIT 200`,
    userId,
    t,
    t,
  );
  return signIns.map((s) => ({ ...s, current: s.id === currentId }));
}

export async function touchSignIn(db: Db, id: string, t: number): Promise<void> {
  await db.run("UPDATE sign_ins SET last_seen_at = ? WHERE id = ?", t, id);
}

/** Which sign-ins to revoke: one by id, one of a user, or all of a user. */
export type SignInSelector = { id: string } | { id: string; userId: string } | { userId: string };

/**
 * Revokes sign-ins and their refresh tokens in one batch, so a CLI cannot refresh its way back;
 * the number of sign-ins revoked.
 */
export async function revokeSignIns(db: Db, which: SignInSelector, t: number): Promise<number> {
  const [where, binds] =
    "id" in which && "userId" in which
      ? ["id = ? AND user_id = ?", [which.id, which.userId]]
      : "id" in which
        ? ["id = ?", [which.id]]
        : ["user_id = ?", [which.userId]];
  const [, revoked] = await db.batch([
    db.statement(
      `UPDATE refresh_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND sign_in_id IN (SELECT id FROM sign_ins WHERE ${where})`,
      t,
      ...binds,
    ),
    db.statement(`UPDATE sign_ins SET revoked_at = ? WHERE revoked_at IS NULL AND ${where}`, t, ...binds),
  ]);
  return revoked ?? 0;
}

/** Points the user's sign-in at another workspace. */
export const setSignInWorkspaceStatement = (db: Db, id: string, userId: string, workspaceId: string): D1PreparedStatement =>
  db.statement("UPDATE sign_ins SET workspace_id = ? WHERE id = ? AND user_id = ?", workspaceId, id, userId);

/** Moves the user's sign-ins that point at `from` to `to`. */
export const moveSignInsWorkspaceStatement = (db: Db, userId: string, from: string, to: string | null): D1PreparedStatement =>
  db.statement("UPDATE sign_ins SET workspace_id = ? WHERE user_id = ? AND workspace_id = ?", to, userId, from);

// --- refresh tokens ---

/** A refresh token as issued: only its hash is kept. */
export type NewRefreshToken = Pick<StoredRefreshToken, "id" | "signInId" | "familyId" | "expiresAt"> & {
  tokenHash: string;
  createdAt: number;
};

export async function insertRefreshToken(db: Db, r: NewRefreshToken): Promise<void> {
  await db.run(
    "INSERT INTO refresh_tokens (id, sign_in_id, family_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    r.id,
    r.signInId,
    r.familyId,
    r.tokenHash,
    r.createdAt,
    r.expiresAt,
  );
}

const epochMs = z.number();
const epochMsOrNull = epochMs.nullable();

/** A refresh token with the sign-in it renews. */
const storedRefreshToken = rowOf(
  z.object({
    id: z.string(),
    familyId: z.string(),
    signInId: z.string(),
    expiresAt: epochMs,
    usedAt: epochMsOrNull,
    revokedAt: epochMsOrNull,
    userId: z.string(),
    workspaceId: z.string().nullable(),
    signInRevokedAt: epochMsOrNull,
  }),
  { columns: { signInRevokedAt: "sign_in_revoked" } },
);

export type StoredRefreshToken = z.output<typeof storedRefreshToken>;

export function findRefreshToken(db: Db, tokenHash: string): Promise<StoredRefreshToken | null> {
  return db.one(
    storedRefreshToken,
    `SELECT r.id, r.family_id, r.sign_in_id, r.expires_at, r.used_at, r.revoked_at, s.user_id, s.workspace_id, s.revoked_at AS sign_in_revoked
     FROM refresh_tokens r JOIN sign_ins s ON s.id = r.sign_in_id WHERE r.token_hash = ?`,
    tokenHash,
  );
}

/** Revokes every token of the family and the sign-in behind it. */
export async function revokeRefreshFamily(db: Db, familyId: string, signInId: string, t: number): Promise<void> {
  await db.batch([
    db.statement("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", t, familyId),
    db.statement("UPDATE sign_ins SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", t, signInId),
  ]);
}

/** Marks the token used; false when another request used it first. */
export async function claimRefreshToken(db: Db, id: string, t: number): Promise<boolean> {
  return db.returnsRow("UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL RETURNING id", t, id);
}

/** A refreshed CLI sign-in: its new access token hash and expiry. */
export async function renewSignIn(
  db: Db,
  id: string,
  r: { tokenHash: string; expiresAt: number; seenAt: number; ip: string | null },
): Promise<void> {
  await db.run(
    "UPDATE sign_ins SET token_hash = ?, expires_at = ?, last_seen_at = ?, ip = COALESCE(?, ip) WHERE id = ?",
    r.tokenHash,
    r.expiresAt,
    r.seenAt,
    r.ip,
    id,
  );
}
