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

router.openapi(
  route.post("/api/admin/signup-invites", {
    summary: "Issue a sign-up invite code (operators)",
    middleware: [requireAuth, requireOperator, rateLimit("auth.account", { byUser: true })] as const,
    request: jsonBody(createSignupInviteBodySchema),
    responses: { 200: jsonResponse(createSignupInviteResponseSchema) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const code = INVITE_PREFIX + randomToken(24);
    const t = now();
    const invite = await insertSignupInvite(dbOf(c.env), {
      id: newId("inv"),
      codeHash: await hashInviteCode(code),
      email: body.email ?? null,
      createdBy: c.get("auth").userId,
      createdAt: t,
      expiresAt: t + (body.expiresInDays ?? 14) * DAY_MS,
    });
    await audit(c, { action: "admin.signup_invite_create", targetType: "invite", targetId: invite.id, details: { email: invite.email } });
    return c.json({ code, invite }, 200);
  },
);

router.openapi(
  route.get("/api/admin/signup-invites", {
    summary: "List sign-up invites (operators)",
    middleware: [requireAuth, requireOperator, rateLimit("auth.account", { byUser: true })] as const,
    responses: { 200: jsonResponse(z.object({ invites: z.array(signupInviteSchema) })) },
  }),
  async (c) => {
    return c.json({ invites: await listSignupInvites(dbOf(c.env)) }, 200);
  },
);

router.openapi(
  route.delete("/api/admin/signup-invites/{inviteId}", {
    summary: "Revoke an unused sign-up invite (operators)",
    middleware: [requireAuth, requireOperator, rateLimit("auth.account", { byUser: true })] as const,
    responses: { 200: jsonResponse(okSchema) },
  }),
  async (c) => {
    const { inviteId: id } = c.req.valid("param");
    if (!(await revokeSignupInvite(dbOf(c.env), id, now()))) throw new ApiError("not_found", "invite not found or already used");
    await audit(c, { action: "admin.signup_invite_revoke", targetType: "invite", targetId: id });
    return c.json({ ok: true as const }, 200);
  },
);

export default router;
