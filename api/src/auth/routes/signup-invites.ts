import { ApiError } from "@burstflare/sdk/errors";
import { createSignupInviteBodySchema, createSignupInviteResponseSchema, okSchema, signupInviteSchema } from "@burstflare/sdk/schemas/auth";
import { z } from "@hono/zod-openapi";
import { audit } from "../../lib/audit";
import { newId, randomToken } from "../../lib/crypto";
import { dbOf } from "../../lib/db";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter } from "../../lib/route";
import { now } from "../../lib/time";
import { requireAuth, requireOperator } from "../../middleware/auth";
import { rateLimit } from "../../middleware/rate-limit";
import { hashInviteCode, INVITE_PREFIX } from "../../workspaces/invites";
import { insertSignupInvite, listSignupInvites, revokeSignupInvite } from "../../workspaces/invites-repo";

/** Operator-issued sign-up invites: rows in `invites` with no workspace. */
const { router, route } = apiRouter(["admin"]);
const DAY_MS = 24 * 3600 * 1000;

route.post("/api/admin/signup-invites", [requireAuth, requireOperator, rateLimit("auth.account", { byUser: true })] as const, {
  summary: "Issue a sign-up invite code (operators)",
  request: jsonBody(createSignupInviteBodySchema),
  responses: { 200: jsonResponse(createSignupInviteResponseSchema) },
  handler: async (c, { auth, body }) => {
    const code = INVITE_PREFIX + randomToken(24);
    const t = now();
    const invite = await insertSignupInvite(dbOf(c.env), {
      id: newId("inv"),
      codeHash: await hashInviteCode(code),
      email: body.email ?? null,
      createdBy: auth.userId,
      createdAt: t,
      expiresAt: t + (body.expiresInDays ?? 14) * DAY_MS,
    });
    await audit(c, { action: "admin.signup_invite_create", targetType: "invite", targetId: invite.id, details: { email: invite.email } });
    return c.json({ code, invite }, 200);
  },
});

route.get("/api/admin/signup-invites", [requireAuth, requireOperator, rateLimit("auth.account", { byUser: true })] as const, {
  summary: "List sign-up invites (operators)",
  responses: { 200: jsonResponse(z.object({ invites: z.array(signupInviteSchema) })) },
  handler: async (c) => {
    return c.json({ invites: await listSignupInvites(dbOf(c.env)) }, 200);
  },
});

route.delete("/api/admin/signup-invites/{inviteId}", [requireAuth, requireOperator, rateLimit("auth.account", { byUser: true })] as const, {
  summary: "Revoke an unused sign-up invite (operators)",
  responses: { 200: jsonResponse(okSchema) },
  handler: async (c, { params: { inviteId: id } }) => {
    if (!(await revokeSignupInvite(dbOf(c.env), id, now()))) throw new ApiError("not_found", "invite not found or already used");
    await audit(c, { action: "admin.signup_invite_revoke", targetType: "invite", targetId: id });
    return c.json({ ok: true as const }, 200);
  },
});

export default router;
