import { ApiError } from "@burstflare/sdk/errors";
import type { ApiToken } from "@burstflare/sdk/schemas/auth";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { API_TOKEN_BOUNDS, insertApiToken } from "./api-tokens-repo";
import { hashToken, newSecret, TOKEN_PREFIX } from "./tokens";

/**
 * Issues an API token: POST /api/auth/tokens (ordinary) and POST /api/scoped-tokens (scoped
 * to a session or the workspace and to `scopes`) share the per-user limit (API_TOKEN_BOUNDS), the
 * secret's format and its stored hash. The secret is returned here once and never stored.
 */
export async function issueApiToken(
  env: AppBindings,
  userId: string,
  k: { name: string; workspaceId: string; expiresAt: number | null; sessionId?: string | null; scopes?: string | null },
  t: number,
): Promise<{ token: string; apiToken: ApiToken }> {
  const token = newSecret(TOKEN_PREFIX.api);
  const apiToken = await insertApiToken(dbOf(env), userId, {
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
  if (!apiToken) throw new ApiError("quota_exceeded", `at most ${API_TOKEN_BOUNDS.maxLive} active API tokens`);
  return { token, apiToken };
}
