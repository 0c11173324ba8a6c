import { ApiError } from "@burstflare/sdk/errors";
import { scopedTokenBody, scopedTokenResponse } from "@burstflare/sdk/schemas/automation";
import { createRoute } from "@hono/zod-openapi";
import { countActiveApiTokens, insertScopedApiToken } from "../../auth/api-tokens-repo";
import { requireUserSession } from "../../auth/guards";
import { hashToken, newSecret, TOKEN_PREFIX } from "../../auth/tokens";
import { createRouter } from "../../lib/app";
import { audit } from "../../lib/audit";
import { newId } from "../../lib/crypto";
import { dbOf } from "../../lib/db";
import { errorResponses, jsonBody, jsonResponse } from "../../lib/openapi";
import { now } from "../../lib/time";
import { requireAuth, requirePermission } from "../../middleware/auth";
import { requireSession } from "../../sessions/records";

/**
 * Scoped API tokens for automation (docs/automation.md): bound to the caller's workspace and,
 * when given, one session; they reach only the exec and/or files routes (api/src/auth/token-scope.ts)
 * and always expire. Listed and revoked with the other API tokens (/api/auth/tokens). Only a
 * person's sign-in mints them, never another API token.
 */
const router = createRouter();
/** Active API tokens per user, scoped or not (the same cap as /api/auth/tokens). */
const MAX_PER_USER = 50;

router.openapi(
  createRoute({
    method: "post",
    path: "/api/scoped-tokens",
    tags: ["automation"],
    summary: "Create an API token limited to exec and/or files of one session (or the workspace), with an expiry (shown once)",
    middleware: [requireAuth, requireUserSession, requirePermission("runtime.access")],
    request: jsonBody(scopedTokenBody),
    responses: { 201: jsonResponse(scopedTokenResponse, "Created"), ...errorResponses },
  }),
  async (c) => {
    const auth = c.get("auth");
    const body = c.req.valid("json");
    if (body.sessionId) await requireSession(c.env, auth.workspaceId, body.sessionId);
    const t = now();
    const db = dbOf(c.env);
    if ((await countActiveApiTokens(db, auth.userId, t)) >= MAX_PER_USER)
      throw new ApiError("quota_exceeded", `at most ${MAX_PER_USER} active API tokens`);
    const token = newSecret(TOKEN_PREFIX.api);
    const id = newId("tok");
    const scopes = [...new Set(body.scopes)];
    const expiresAt = t + body.expiresInSeconds * 1000;
    await insertScopedApiToken(db, auth.userId, {
      id,
      name: body.name,
      tokenHash: await hashToken(token),
      prefix: token.slice(0, TOKEN_PREFIX.api.length + 6),
      workspaceId: auth.workspaceId,
      createdAt: t,
      expiresAt,
      sessionId: body.sessionId ?? null,
      scopes: scopes.join(","),
    });
    await audit(c, {
      action: "auth.token_create",
      targetType: "api_token",
      targetId: id,
      details: { name: body.name, expiresAt, sessionId: body.sessionId ?? null, scopes },
    });
    return c.json({ id, token, workspaceId: auth.workspaceId, sessionId: body.sessionId ?? null, scopes, expiresAt }, 201);
  },
);

export default router;
