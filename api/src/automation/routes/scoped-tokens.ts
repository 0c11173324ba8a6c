import { scopedTokenBody, scopedTokenResponse } from "@burstflare/sdk/schemas/automation";
import { issueApiToken } from "../../auth/api-tokens";
import { requireUserSession } from "../../auth/guards";
import { audit } from "../../lib/audit";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter } from "../../lib/route";
import { now } from "../../lib/time";
import { requireAuth, requirePermission } from "../../middleware/auth";
import { requireSession } from "../../sessions/records";

/**
 * Scoped API tokens for automation (docs/automation.md): bound to the caller's workspace and,
 * when given, one session; they reach only the exec and/or files routes (api/src/auth/token-scope.ts)
 * and always expire. Listed and revoked with the other API tokens (/api/auth/tokens). Only a
 * person's sign-in mints them, never another API token.
 */
const { router, route } = apiRouter(["automation"]);
route.post("/api/scoped-tokens", [requireAuth, requireUserSession, requirePermission("runtime.access")], {
  summary: "Create an API token limited to exec and/or files of one session (or the workspace), with an expiry (shown once)",
  request: jsonBody(scopedTokenBody),
  responses: { 201: jsonResponse(scopedTokenResponse, "Created") },
  handler: async (c, { auth, body }) => {
    if (body.sessionId) await requireSession(c.env, auth.workspaceId, body.sessionId);
    const t = now();
    const scopes = [...new Set(body.scopes)];
    const expiresAt = t + body.expiresInSeconds * 1000;
    const { token, apiToken } = await issueApiToken(
      c.env,
      auth.userId,
      { name: body.name, workspaceId: auth.workspaceId, expiresAt, sessionId: body.sessionId ?? null, scopes: scopes.join(",") },
      t,
    );
    const id = apiToken.id;
    await audit(c, {
      action: "auth.token_create",
      targetType: "api_token",
      targetId: id,
      details: { name: body.name, expiresAt, sessionId: body.sessionId ?? null, scopes },
    });
    return c.json({ id, token, workspaceId: auth.workspaceId, sessionId: body.sessionId ?? null, scopes, expiresAt }, 201);
  },
});

export default router;
