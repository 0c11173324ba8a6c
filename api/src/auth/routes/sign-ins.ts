import { ApiError } from "@burstflare/sdk/errors";
import {
  authConfigSchema,
  legacySignInListSchema,
  meResponseSchema,
  okSchema,
  recoverBodySchema,
  recoverResponseSchema,
  refreshBodySchema,
  type SignIn,
  signInListSchema,
  tokenPairSchema,
  userSchema,
} from "@burstflare/sdk/schemas/auth";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../../env";
import { audit, writeAudit } from "../../lib/audit";
import { dbOf } from "../../lib/db";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter } from "../../lib/route";
import { now } from "../../lib/time";
import { contractView } from "../../lib/view";
import { requireAuth } from "../../middleware/auth";
import { hit, rateLimit } from "../../middleware/rate-limit";
import { closeConnectionsAfter } from "../../sessions/connections";
import { findWorkspaceSummary } from "../../workspaces/workspaces-repo";
import { authConfig } from "../config";
import { clearBrowserCookies, setCSRFCookie, startBrowserSignIn } from "../cookies";
import { sameOriginOnly } from "../origin-guard";
import { consumeRecoveryCode, remainingRecoveryCodes } from "../recovery-codes";
import { rotateRefreshToken } from "../refresh-tokens";
import { auditFailedSignIn } from "../security-log";
import { listActiveSignIns, revokeSignIns } from "../sign-ins-repo";
import { CSRF_COOKIE } from "../tokens";
import { verifyTurnstile } from "../turnstile";
import { findUser, findUserByEmail } from "../users-repo";
import { accountReads, accountWrites } from "./account-policy";

const { router, route } = apiRouter(["auth"]);

route.get("/api/auth/config", [rateLimit("auth.read")] as const, {
  summary: "Public sign-in configuration for the SPA",
  responses: { 200: jsonResponse(authConfigSchema) },
  handler: (c) => {
    const cfg = authConfig(c.env);
    return c.json(
      { signupPolicy: cfg.signupPolicy, turnstileSiteKey: cfg.turnstileSecret ? cfg.turnstileSiteKey : null, rpId: cfg.rpID },
      200,
    );
  },
});

route.get("/api/auth/me", [rateLimit("auth.read"), requireAuth] as const, {
  summary: "The signed-in user, current workspace and role",
  responses: { 200: jsonResponse(meResponseSchema) },
  handler: async (c, { auth }) => {
    const db = dbOf(c.env);
    const user = await findUser(db, auth.userId);
    const workspace = await findWorkspaceSummary(db, auth.workspaceId, auth.userId);
    if (!user || !workspace) throw new ApiError("unauthorized", "sign in first");
    let csrf: "ok" | "reissued" | "not_applicable" = "not_applicable";
    if (auth.via === "cookie") {
      csrf = getCookie(c, CSRF_COOKIE) ? "ok" : "reissued";
      if (csrf === "reissued") setCSRFCookie(c);
    }
    return c.json(
      {
        user: contractView(userSchema, user),
        workspace,
        role: auth.role,
        isOperator: auth.isOperator,
        via: auth.via,
        signInId: auth.signInId,
        authSessionId: auth.signInId,
        csrf,
      },
      200,
    );
  },
});

route.post("/api/auth/logout", [requireAuth, rateLimit("auth.account", { byUser: true })] as const, {
  summary: "End this sign-in (cookie or CLI token)",
  responses: { 200: jsonResponse(okSchema) },
  handler: async (c, { auth }) => {
    if (auth.signInId) {
      await revokeSignIns(dbOf(c.env), { id: auth.signInId }, now());
      await audit(c, { action: "auth.logout", targetType: "sign_in", targetId: auth.signInId });
      await closeConnectionsAfter(c, { userId: auth.userId }, { credential: { kind: "sign_in", id: auth.signInId } });
    }
    clearBrowserCookies(c);
    return c.json({ ok: true as const }, 200);
  },
});

route.post("/api/auth/logout-all", accountWrites, {
  summary: "End every browser and CLI sign-in of this user",
  responses: { 200: jsonResponse(z.object({ ok: z.literal(true), revoked: z.number().int() })) },
  handler: async (c, { auth }) => {
    const revoked = await revokeSignIns(dbOf(c.env), { userId: auth.userId }, now());
    await audit(c, { action: "auth.logout_all", targetType: "user", targetId: auth.userId, details: { revoked } });
    // API tokens outlive a logout-all; what a sign-in opened, or a preview grant it minted, does not.
    await closeConnectionsAfter(c, { userId: auth.userId }, { userId: auth.userId, kinds: ["sign_in", "preview_grant"] });
    clearBrowserCookies(c);
    return c.json({ ok: true as const, revoked }, 200);
  },
});

/** The active sign-ins; a CLI sign-in whose access token lapsed is still alive while its refresh family is. */
function activeSignIns(c: Context<AppEnv>): Promise<SignIn[]> {
  const auth = c.get("auth");
  return listActiveSignIns(dbOf(c.env), auth.userId, auth.signInId, now());
}

async function revokeOne(c: Context<AppEnv>, signInId: string): Promise<void> {
  const auth = c.get("auth");
  const revoked = await revokeSignIns(dbOf(c.env), { id: signInId, userId: auth.userId }, now());
  if (revoked === 0) throw new ApiError("not_found", "sign-in not found");
  await audit(c, { action: "auth.sign_in_revoke", targetType: "sign_in", targetId: signInId });
  await closeConnectionsAfter(c, { userId: auth.userId }, { credential: { kind: "sign_in", id: signInId } });
  if (signInId === auth.signInId) clearBrowserCookies(c);
}

/** The pre-rename paths answer as before until 0.3.0 (docs/architecture.md, "Deprecated paths"). */
const DEPRECATED = "Deprecated alias, removed in 0.3.0.";

route.get("/api/auth/sign-ins", accountReads, {
  summary: "Active browser and CLI sign-ins",
  responses: { 200: jsonResponse(signInListSchema) },
  handler: async (c) => c.json({ signIns: await activeSignIns(c) }, 200),
});

route.get("/api/auth/sessions", accountReads, {
  summary: "Deprecated: GET /api/auth/sign-ins, answering under the old key `sessions`",
  deprecated: true,
  description: DEPRECATED,
  responses: { 200: jsonResponse(legacySignInListSchema) },
  handler: async (c) => c.json({ sessions: await activeSignIns(c) }, 200),
});

route.delete("/api/auth/sign-ins/{signInId}", accountWrites, {
  summary: "Revoke one sign-in; it fails on its very next request",
  responses: { 200: jsonResponse(okSchema) },
  handler: async (c, { params }) => {
    await revokeOne(c, params.signInId);
    return c.json({ ok: true as const }, 200);
  },
});

route.post("/api/auth/recover", [sameOriginOnly, rateLimit("auth.recover")] as const, {
  summary: "Sign in with a one-time recovery code",
  request: jsonBody(recoverBodySchema),
  responses: { 200: jsonResponse(recoverResponseSchema) },
  handler: async (c, { body }) => {
    await hit(c.env, "auth.recover_email", body.email);
    await verifyTurnstile(c, body.turnstileToken, "recover");
    const user = await findUserByEmail(dbOf(c.env), body.email);
    const ok = user ? await consumeRecoveryCode(c.env, user.id, body.code) : false;
    const ip = c.req.header("cf-connecting-ip") ?? null;
    if (!user || !ok) {
      await auditFailedSignIn(c, {
        targetType: "user",
        targetId: user?.id ?? null,
        targetUserId: user?.id ?? null,
        details: { method: "recovery_code" },
      });
      throw new ApiError("unauthorized", "email or recovery code is wrong (each code works once)");
    }
    const signInId = await startBrowserSignIn(c, user.id, user.currentWorkspaceId);
    const remaining = await remainingRecoveryCodes(c.env, user.id);
    await writeAudit(c.env, {
      action: "auth.recover",
      actorId: user.id,
      workspaceId: user.currentWorkspaceId,
      targetType: "sign_in",
      targetId: signInId,
      details: { remainingRecoveryCodes: remaining },
      ip,
      requestId: c.get("requestId"),
    });
    return c.json({ user: contractView(userSchema, user), remainingRecoveryCodes: remaining }, 200);
  },
});

route.post("/api/auth/refresh", [rateLimit("auth.refresh")] as const, {
  summary: "Rotate a CLI refresh token for a new access token",
  request: jsonBody(refreshBodySchema),
  responses: { 200: jsonResponse(tokenPairSchema) },
  handler: async (c, { body: { refreshToken } }) => {
    return c.json(await rotateRefreshToken(c.env, refreshToken, c.req.header("cf-connecting-ip") ?? null), 200);
  },
});

export default router;
