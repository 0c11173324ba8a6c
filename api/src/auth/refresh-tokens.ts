import { ApiError } from "@burstflare/sdk/errors";
import type { TokenPair } from "@burstflare/sdk/schemas/auth";
import type { AppBindings } from "../env";
import { writeAudit } from "../lib/audit";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { closeConnections } from "../sessions/connections";
import { issueSignIn } from "./sign-ins";
import { claimRefreshToken, findRefreshToken, insertRefreshToken, renewSignIn, revokeRefreshFamily } from "./sign-ins-repo";
import { ACCESS_TOKEN_TTL_MS, hashToken, newSecret, REFRESH_TOKEN_TTL_MS, TOKEN_PREFIX } from "./tokens";

async function newRefreshToken(env: AppBindings, signInId: string, familyId: string): Promise<string> {
  const token = newSecret(TOKEN_PREFIX.refresh);
  const t = now();
  await insertRefreshToken(dbOf(env), {
    id: newId("rt"),
    signInId,
    familyId,
    tokenHash: await hashToken(token),
    createdAt: t,
    expiresAt: t + REFRESH_TOKEN_TTL_MS,
  });
  return token;
}

/** A new CLI login: one sign-in (holding the current access token) and a refresh-token family. */
export async function issueCLITokens(
  env: AppBindings,
  opts: { userId: string; workspaceId: string | null; userAgent?: string | null; ip?: string | null },
): Promise<TokenPair & { signInId: string }> {
  const signIn = await issueSignIn(env, { ...opts, kind: "cli" });
  const refreshToken = await newRefreshToken(env, signIn.id, newId("fam"));
  return {
    accessToken: signIn.token,
    refreshToken,
    tokenType: "Bearer",
    expiresIn: Math.floor(ACCESS_TOKEN_TTL_MS / 1000),
    signInId: signIn.id,
  };
}

/**
 * Rotation: each refresh token works once and yields a new access token (the
 * sign-in's token hash is replaced) and a new refresh token of the same family.
 * Presenting a token that was already used means it leaked: the whole family and
 * its sign-in are revoked.
 */
export async function rotateRefreshToken(env: AppBindings, token: string, ip: string | null): Promise<TokenPair> {
  if (!token.startsWith(TOKEN_PREFIX.refresh)) throw new ApiError("unauthorized", "not a refresh token");
  const tokenHash = await hashToken(token);
  const db = dbOf(env);
  const row = await findRefreshToken(db, tokenHash);
  if (!row) throw new ApiError("unauthorized", "unknown refresh token");
  const t = now();
  const reused = async (): Promise<never> => {
    await revokeRefreshFamily(db, row.familyId, row.signInId, t);
    // A leaked family's sign-in also loses what it already opened (its SSH and terminal sockets).
    await closeConnections(env, { userId: row.userId }, { credential: { kind: "sign_in", id: row.signInId } });
    await writeAudit(env, {
      action: "auth.refresh_token_reused",
      actorId: row.userId,
      workspaceId: row.workspaceId,
      targetType: "sign_in",
      targetId: row.signInId,
      details: { familyId: row.familyId },
      ip,
    });
    throw new ApiError("token_reused", "refresh token was already used; the sign-in has been revoked, sign in again");
  };
  if (row.usedAt !== null) return reused();
  if (row.revokedAt !== null || row.signInRevokedAt !== null) throw new ApiError("unauthorized", "sign-in revoked; sign in again");
  if (row.expiresAt <= t) throw new ApiError("unauthorized", "refresh token expired; sign in again");
  // Claim atomically: of two concurrent refreshes with one token, the loser is treated as reuse.
  if (!(await claimRefreshToken(db, row.id, t))) return reused();
  const accessToken = newSecret(TOKEN_PREFIX.access);
  await renewSignIn(db, row.signInId, { tokenHash: await hashToken(accessToken), expiresAt: t + ACCESS_TOKEN_TTL_MS, seenAt: t, ip });
  const refreshToken = await newRefreshToken(env, row.signInId, row.familyId);
  return { accessToken, refreshToken, tokenType: "Bearer", expiresIn: Math.floor(ACCESS_TOKEN_TTL_MS / 1000) };
}
