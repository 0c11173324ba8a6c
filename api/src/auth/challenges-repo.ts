import { z } from "zod";
import type { Db } from "../lib/db";

/** auth_challenges: pending WebAuthn ceremonies, and the markers that make a device-flow hand-out single-use. */

const nullableText = z.string().nullable();
const ceremonyData = z.record(z.string(), z.unknown());

/** A stored challenge; `data` is the ceremony's state (empty for a device marker). Times in epoch ms. */
const storedChallenge = z
  .object({
    id: z.string(),
    kind: z.string(),
    challenge: z.string(),
    user_id: nullableText,
    email: nullableText,
    data: nullableText,
    expires_at: z.number(),
  })
  .transform(({ user_id, data, expires_at, ...r }) => ({
    ...r,
    userId: user_id,
    data: data ? ceremonyData.parse(JSON.parse(data)) : {},
    expiresAt: expires_at,
  }));

export type StoredChallenge = z.output<typeof storedChallenge>;

/** Stores a challenge and, in the same batch, sweeps up to 50 expired ones. */
export async function insertChallenge(db: Db, c: StoredChallenge, t: number): Promise<void> {
  await db.batch([
    db.statement("DELETE FROM auth_challenges WHERE id IN (SELECT id FROM auth_challenges WHERE expires_at < ? LIMIT 50)", t),
    db.statement(
      "INSERT INTO auth_challenges (id, kind, challenge, user_id, email, data, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      c.id,
      c.kind,
      c.challenge,
      c.userId,
      c.email,
      JSON.stringify(c.data),
      c.expiresAt,
    ),
  ]);
}

/** Deletes the challenge and returns what it held, in one statement; null when there is none. */
export function takeChallenge(db: Db, id: string): Promise<StoredChallenge | null> {
  return db.one(
    storedChallenge,
    "DELETE FROM auth_challenges WHERE id = ? RETURNING id, kind, challenge, user_id, email, data, expires_at",
    id,
  );
}

/** Inserts a one-off marker row; false when it already existed (someone else won). */
export async function insertDeviceMarker(db: Db, id: string, expiresAt: number): Promise<boolean> {
  return db.runOne("INSERT OR IGNORE INTO auth_challenges (id, kind, challenge, expires_at) VALUES (?, 'device', '', ?)", id, expiresAt);
}
