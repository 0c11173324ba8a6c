import { ApiError } from "@burstflare/sdk/errors";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { insertChallenge, type StoredChallenge, takeChallenge } from "./challenges-repo";

type ChallengeKind = "register" | "login" | "add_passkey";

/** WebAuthn ceremonies must finish within this window. */
const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export async function saveChallenge(
  env: AppBindings,
  c: { kind: ChallengeKind; challenge: string; userId?: string | null; email?: string | null; data?: Record<string, unknown> },
): Promise<string> {
  const id = newId("ch");
  const t = now();
  // Expired rows are useless; sweep a few on each write so the table stays small without a cron.
  await insertChallenge(
    dbOf(env),
    {
      id,
      kind: c.kind,
      challenge: c.challenge,
      userId: c.userId ?? null,
      email: c.email ?? null,
      data: c.data ?? {},
      expiresAt: t + CHALLENGE_TTL_MS,
    },
    t,
  );
  return id;
}

/**
 * Single use: the row is deleted and returned in one statement, so a replayed
 * finish (or two racing ones) finds nothing. Expired rows are deleted too.
 */
export async function consumeChallenge(
  env: AppBindings,
  id: string,
  kind: ChallengeKind,
): Promise<StoredChallenge & { kind: ChallengeKind }> {
  const row = await takeChallenge(dbOf(env), id);
  if (!row || row.kind !== kind) throw new ApiError("challenge_invalid", "unknown or already used challenge; start again");
  if (row.expiresAt < now()) throw new ApiError("challenge_invalid", "challenge expired; start again");
  return { ...row, kind };
}

/**
 * A sign-up's challenge, consumed, with what its start fixed: the new user's id and email (always set
 * on a register challenge), and the name and invite code the start was given.
 */
export async function consumeSignUp(env: AppBindings, id: string) {
  const { challenge, userId, email, data } = await consumeChallenge(env, id, "register");
  if (!userId || !email) throw new ApiError("challenge_invalid", "unknown or already used challenge; start again");
  return {
    challenge,
    userId,
    email,
    name: typeof data.name === "string" ? data.name : null,
    inviteCode: typeof data.inviteCode === "string" ? data.inviteCode : undefined,
  };
}
