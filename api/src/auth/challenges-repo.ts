import { z } from "zod";
import type { Db } from "../lib/db";

/** auth_challenges: pending WebAuthn ceremonies, and the markers that make a device-flow hand-out single-use. */

/** Stores a challenge and, in the same batch, sweeps up to 50 expired ones. */
export async function insertChallenge(
  db: Db,
  c: { id: string; kind: string; challenge: string; userId: string | null; email: string | null; data: string; expiresAt: number },
  t: number,
): Promise<void> {
  await db.batch([
    db.statement("DELETE FROM auth_challenges WHERE id IN (SELECT id FROM auth_challenges WHERE expires_at < ? LIMIT 50)", t),
    db.statement(
      "INSERT INTO auth_challenges (id, kind, challenge, user_id, email, data, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      c.id,
      c.kind,
      c.challenge,
      c.userId,
      c.email,
      c.data,
      c.expiresAt,
    ),
  ]);
}

const TakenRow = z.object({
  kind: z.string(),
  challenge: z.string(),
  user_id: z.string().nullable(),
  email: z.string().nullable(),
  data: z.string().nullable(),
  expires_at: z.number(),
});

/** Deletes the challenge and returns what it held, in one statement; null when there is none. */
export async function takeChallenge(
  db: Db,
  id: string,
): Promise<{
  kind: string;
  challenge: string;
  userId: string | null;
  email: string | null;
  data: string | null;
  expiresAt: number;
} | null> {
  const r = await db.one(
    TakenRow,
    "DELETE FROM auth_challenges WHERE id = ? RETURNING kind, challenge, user_id, email, data, expires_at",
    id,
  );
  return r && { kind: r.kind, challenge: r.challenge, userId: r.user_id, email: r.email, data: r.data, expiresAt: r.expires_at };
}

/** Inserts a one-off marker row; false when it already existed (someone else won). */
export async function insertDeviceMarker(db: Db, id: string, expiresAt: number): Promise<boolean> {
  const changed = await db.run(
    "INSERT OR IGNORE INTO auth_challenges (id, kind, challenge, expires_at) VALUES (?, 'device', '', ?)",
    id,
    expiresAt,
  );
  return changed === 1;
}
