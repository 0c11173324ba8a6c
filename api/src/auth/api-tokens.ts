import { ApiError } from "@burstflare/sdk/errors";
import type { ApiToken } from "@burstflare/sdk/schemas/auth";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { countActiveApiTokens, insertApiToken } from "./api-tokens-repo";
import { hashToken, newSecret, TOKEN_PREFIX } from "./tokens";

/** Active API tokens (ordinary and scoped together) a user may hold. */
const MAX_API_TOKENS_PER_USER = 50;

/**
 * Issues an API token: POST /api/auth/tokens (ordinary) and POST /api/scoped-tokens (scoped
 * to a session or the workspace and to `scopes`) share the per-user limit, the secret's format
 * and its stored hash. The secret is returned here once and never stored.
 */
export async function issueApiToken(
  env: AppBindings,
  userId: string,
  k: { name: string; workspaceId: string; expiresAt: number | null; sessionId?: string | null; scopes?: string | null },
  t: number,
): Promise<{ token: string; apiToken: ApiToken }> {
  const db = dbOf(env);
  if ((await countActiveApiTokens(db, userId, t)) >= MAX_API_TOKENS_PER_USER) {
    throw new ApiError("quota_exceeded", `at most ${MAX_API_TOKENS_PER_USER} active API tokens`);
  }
  const token = newSecret(TOKEN_PREFIX.api);
  const apiToken = await insertApiToken(db, userId, {
    id: newId("tok"),
    name: k.name,
    tokenHash: await hashToken(token),
    prefix: token.slice(0, TOKEN_PREFIX.api.length + 6),
    workspaceId: k.workspaceId,
    createdAt: t,
    expiresAt: k.expiresAt,
    sessionId: k.sessionId ?? null,
    scopes: k.scopes ?? null,
  });
  return { token, apiToken };
}
