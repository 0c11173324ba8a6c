import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../../../../sdk/errors";
import { createSignupInviteBodySchema, createSignupInviteResponseSchema, okSchema, signupInviteSchema } from "../../../../sdk/schemas/auth";
import { idSchema } from "../../../../sdk/schemas/common";
import { createRouter } from "../../lib/app";
import { audit } from "../../lib/audit";
import { newId, randomToken } from "../../lib/crypto";
import { errorResponses, jsonBody, jsonResponse } from "../../lib/openapi";
import { iso, now } from "../../lib/time";
import { requireAuth, requireOperator } from "../../middleware/auth";
import { rateLimit } from "../../middleware/rate-limit";
import { hashInviteCode, INVITE_PREFIX } from "../../workspaces/invites";

/** Operator-issued sign-up invites: rows in `invites` with no workspace. */
const router = createRouter();
const tags = ["admin"];
const DAY_MS = 24 * 3600 * 1000;

interface Row {
  id: string;
  email: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}
const toInvite = (r: Row) => ({
  id: r.id,
  email: r.email,
  createdAt: iso(r.created_at)!,
  expiresAt: iso(r.expires_at)!,
  usedAt: iso(r.used_at),
});

router.openapi(
  createRoute({
    method: "post",
    path: "/api/admin/signup-invites",
    tags,
    summary: "Issue a sign-up invite code (operators)",
    middleware: [requireAuth, requireOperator, rateLimit("auth.account", { byUser: true })] as const,
    request: jsonBody(createSignupInviteBodySchema),
    responses: { 200: jsonResponse(createSignupInviteResponseSchema), ...errorResponses },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const code = INVITE_PREFIX + randomToken(24);
    const t = now();
    const row: Row = {
      id: newId("inv"),
      email: body.email ?? null,
      created_at: t,
      expires_at: t + (body.expiresInDays ?? 14) * DAY_MS,
      used_at: null,
    };
    await c.env.DB.prepare(
      "INSERT INTO invites (id, workspace_id, code_hash, email, role, created_by, created_at, expires_at) VALUES (?, NULL, ?, ?, 'owner', ?, ?, ?)",
    )
      .bind(row.id, await hashInviteCode(code), row.email, c.get("auth").userId, t, row.expires_at)
      .run();
    await audit(c, { action: "admin.signup_invite_create", targetType: "invite", targetId: row.id, details: { email: row.email } });
    return c.json({ code, invite: toInvite(row) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "get",
    path: "/api/admin/signup-invites",
    tags,
    summary: "List sign-up invites (operators)",
    middleware: [requireAuth, requireOperator, rateLimit("auth.account", { byUser: true })] as const,
    responses: { 200: jsonResponse(z.object({ invites: z.array(signupInviteSchema) })), ...errorResponses },
  }),
  async (c) => {
    const rows = await c.env.DB.prepare(
      "SELECT id, email, created_at, expires_at, used_at FROM invites WHERE workspace_id IS NULL AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 200",
    ).all<Row>();
    return c.json({ invites: rows.results.map(toInvite) }, 200);
  },
);

router.openapi(
  createRoute({
    method: "delete",
    path: "/api/admin/signup-invites/{id}",
    tags,
    summary: "Revoke an unused sign-up invite (operators)",
    middleware: [requireAuth, requireOperator, rateLimit("auth.account", { byUser: true })] as const,
    request: { params: z.object({ id: idSchema }) },
    responses: { 200: jsonResponse(okSchema), ...errorResponses },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const done = await c.env.DB.prepare(
      "UPDATE invites SET revoked_at = ? WHERE id = ? AND workspace_id IS NULL AND used_at IS NULL AND revoked_at IS NULL RETURNING id",
    )
      .bind(now(), id)
      .first();
    if (!done) throw new ApiError("not_found", "invite not found or already used");
    await audit(c, { action: "admin.signup_invite_revoke", targetType: "invite", targetId: id });
    return c.json({ ok: true as const }, 200);
  },
);

export default router;
