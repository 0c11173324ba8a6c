import { ApiError } from "../../../sdk/errors";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { now } from "../lib/time";

export type ChallengeKind = "register" | "login" | "add_passkey";

/** WebAuthn ceremonies must finish within this window. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export interface StoredChallenge {
  id: string;
  kind: ChallengeKind;
  challenge: string;
  userId: string | null;
  email: string | null;
  data: Record<string, unknown>;
}

export async function saveChallenge(
  env: AppBindings,
  c: { kind: ChallengeKind; challenge: string; userId?: string | null; email?: string | null; data?: Record<string, unknown> },
): Promise<string> {
  const id = newId("ch");
  const t = now();
  // Expired rows are useless; sweep a few on each write so the table stays small without a cron.
  await env.DB.batch([
    env.DB.prepare("DELETE FROM auth_challenges WHERE id IN (SELECT id FROM auth_challenges WHERE expires_at < ? LIMIT 50)").bind(t),
    env.DB.prepare("INSERT INTO auth_challenges (id, kind, challenge, user_id, email, data, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)").bind(
      id,
      c.kind,
      c.challenge,
      c.userId ?? null,
      c.email ?? null,
      JSON.stringify(c.data ?? {}),
      t + CHALLENGE_TTL_MS,
    ),
  ]);
  return id;
}

/**
 * Single use: the row is deleted and returned in one statement, so a replayed
 * finish (or two racing ones) finds nothing. Expired rows are deleted too.
 */
export async function consumeChallenge(env: AppBindings, id: string, kind: ChallengeKind): Promise<StoredChallenge> {
  const row = await env.DB.prepare("DELETE FROM auth_challenges WHERE id = ? RETURNING kind, challenge, user_id, email, data, expires_at")
    .bind(id)
    .first<{ kind: string; challenge: string; user_id: string | null; email: string | null; data: string | null; expires_at: number }>();
  if (!row || row.kind !== kind) throw new ApiError("challenge_invalid", "unknown or already used challenge; start again");
  if (row.expires_at < now()) throw new ApiError("challenge_invalid", "challenge expired; start again");
  return {
    id,
    kind,
    challenge: row.challenge,
    userId: row.user_id,
    email: row.email,
    data: row.data ? (JSON.parse(row.data) as Record<string, unknown>) : {},
  };
}
