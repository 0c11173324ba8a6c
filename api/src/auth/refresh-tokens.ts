import { ApiError } from "../../../sdk/errors";
import type { TokenPair } from "../../../sdk/schemas/auth";
import type { AppBindings } from "../env";
import { writeAudit } from "../lib/audit";
import { newId } from "../lib/crypto";
import { now } from "../lib/time";
import { closeConnections } from "../sessions/connections";
import { issueAuthSession } from "./auth-sessions";
import { ACCESS_TOKEN_TTL_MS, hashToken, newSecret, REFRESH_TOKEN_TTL_MS, TOKEN_PREFIX } from "./tokens";

async function insertRefreshToken(env: AppBindings, authSessionId: string, familyId: string): Promise<string> {
  const token = newSecret(TOKEN_PREFIX.refresh);
  const t = now();
  await env.DB.prepare(
    "INSERT INTO refresh_tokens (id, auth_session_id, family_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
  )
    .bind(newId("rt"), authSessionId, familyId, await hashToken(token), t, t + REFRESH_TOKEN_TTL_MS)
    .run();
  return token;
}

/** A new CLI login: one auth session (holding the current access token) and a refresh-token family. */
export async function issueCLITokens(
  env: AppBindings,
  opts: { userId: string; workspaceId: string | null; userAgent?: string | null; ip?: string | null },
): Promise<TokenPair & { authSessionId: string }> {
  const session = await issueAuthSession(env, { ...opts, kind: "cli" });
  const refreshToken = await insertRefreshToken(env, session.id, newId("fam"));
  return {
    accessToken: session.token,
    refreshToken,
    tokenType: "Bearer",
    expiresIn: Math.floor(ACCESS_TOKEN_TTL_MS / 1000),
    authSessionId: session.id,
  };
}

/** Revokes every token of the family and the auth session behind it. */
async function revokeFamily(env: AppBindings, familyId: string, authSessionId: string): Promise<void> {
  const t = now();
  await env.DB.batch([
    env.DB.prepare("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL").bind(t, familyId),
    env.DB.prepare("UPDATE auth_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").bind(t, authSessionId),
  ]);
}

/**
 * Rotation: each refresh token works once and yields a new access token (the auth
 * session's token hash is replaced) and a new refresh token of the same family.
 * Presenting a token that was already used means it leaked: the whole family and
 * its session are revoked.
 */
export async function rotateRefreshToken(env: AppBindings, token: string, ip: string | null): Promise<TokenPair> {
  if (!token.startsWith(TOKEN_PREFIX.refresh)) throw new ApiError("unauthorized", "not a refresh token");
  const tokenHash = await hashToken(token);
  const row = await env.DB.prepare(
    `SELECT r.id, r.family_id, r.auth_session_id, r.expires_at, r.used_at, r.revoked_at, s.user_id, s.workspace_id, s.revoked_at AS session_revoked
     FROM refresh_tokens r JOIN auth_sessions s ON s.id = r.auth_session_id WHERE r.token_hash = ?`,
  )
    .bind(tokenHash)
    .first<{
      id: string;
      family_id: string;
      auth_session_id: string;
      expires_at: number;
      used_at: number | null;
      revoked_at: number | null;
      user_id: string;
      workspace_id: string | null;
      session_revoked: number | null;
    }>();
  if (!row) throw new ApiError("unauthorized", "unknown refresh token");
  const t = now();
  const reused = async (): Promise<never> => {
    await revokeFamily(env, row.family_id, row.auth_session_id);
    // A leaked family's sign-in also loses what it already opened (its SSH and terminal sockets).
    await closeConnections(env, { userId: row.user_id }, { credential: { kind: "sign_in", id: row.auth_session_id } });
    await writeAudit(env, {
      action: "auth.refresh_token_reused",
      actorId: row.user_id,
      workspaceId: row.workspace_id,
      targetType: "auth_session",
      targetId: row.auth_session_id,
      details: { familyId: row.family_id },
      ip,
    });
    throw new ApiError("token_reused", "refresh token was already used; the session has been revoked, sign in again");
  };
  if (row.used_at !== null) return reused();
  if (row.revoked_at !== null || row.session_revoked !== null) throw new ApiError("unauthorized", "session revoked; sign in again");
  if (row.expires_at <= t) throw new ApiError("unauthorized", "refresh token expired; sign in again");
  // Claim atomically: of two concurrent refreshes with one token, the loser is treated as reuse.
  const claimed = await env.DB.prepare("UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL RETURNING id")
    .bind(t, row.id)
    .first();
  if (!claimed) return reused();
  const accessToken = newSecret(TOKEN_PREFIX.access);
  await env.DB.prepare("UPDATE auth_sessions SET token_hash = ?, expires_at = ?, last_seen_at = ?, ip = COALESCE(?, ip) WHERE id = ?")
    .bind(await hashToken(accessToken), t + ACCESS_TOKEN_TTL_MS, t, ip, row.auth_session_id)
    .run();
  const refreshToken = await insertRefreshToken(env, row.auth_session_id, row.family_id);
  return { accessToken, refreshToken, tokenType: "Bearer", expiresIn: Math.floor(ACCESS_TOKEN_TTL_MS / 1000) };
}

/** Revoking an auth session also kills its refresh tokens, so a CLI cannot refresh its way back. */
export function revokeSessionStatements(env: AppBindings, where: string, binds: unknown[]): D1PreparedStatement[] {
  const t = now();
  return [
    env.DB.prepare(
      `UPDATE refresh_tokens SET revoked_at = ? WHERE revoked_at IS NULL AND auth_session_id IN (SELECT id FROM auth_sessions WHERE ${where})`,
    ).bind(t, ...binds),
    env.DB.prepare(`UPDATE auth_sessions SET revoked_at = ? WHERE revoked_at IS NULL AND ${where}`).bind(t, ...binds),
  ];
}
