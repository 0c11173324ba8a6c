import { errorBodySchema } from "@burstflare/sdk/schemas/common";
import {
  acceptedInviteSchema,
  acceptInviteBody,
  createdInviteSchema,
  createInviteBody,
  inviteListSchema,
  inviteSchema,
} from "@burstflare/sdk/schemas/workspaces";
import { z } from "@hono/zod-openapi";
import { audit } from "../../lib/audit";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted, signedIn } from "../../lib/route";
import { acceptInviteCode, createInvite, listInvites, revokeInvite } from "../invites";
import { setCurrentWorkspace, toWorkspace } from "../store";

const { router, route } = apiRouter(["invites"]);

router.openapi(
  route.get("/api/workspaces/current/invites", {
    summary: "Invites of the current workspace (codes are never shown again)",
    middleware: permitted("invites.manage"),
    responses: { 200: jsonResponse(inviteListSchema) },
  }),
  async (c) => c.json({ invites: await listInvites(c.env, c.get("auth").workspaceId) }, 200),
);

router.openapi(
  route.post("/api/workspaces/current/invites", {
    summary: "Create a single-use invite code, optionally bound to an email",
    middleware: permitted("invites.manage"),
    request: jsonBody(createInviteBody),
    responses: { 201: jsonResponse(createdInviteSchema) },
  }),
  async (c) => {
    const auth = c.get("auth");
    const body = c.req.valid("json");
    const created = await createInvite(c.env, {
      workspaceId: auth.workspaceId,
      createdBy: auth.userId,
      creatorRole: auth.role,
      email: body.email,
      role: body.role,
      expiresInHours: body.expiresInHours,
    });
    await audit(c, {
      action: "invite.create",
      targetType: "invite",
      targetId: created.invite.id,
      details: { role: body.role, email: body.email ?? null, expiresAt: created.invite.expiresAt },
    });
    return c.json(created, 201);
  },
);

router.openapi(
  route.delete("/api/workspaces/current/invites/{inviteId}", {
    summary: "Revoke an unused invite",
    middleware: permitted("invites.manage"),
    responses: { 200: jsonResponse(z.object({ invite: inviteSchema })) },
  }),
  async (c) => {
    const { inviteId: id } = c.req.valid("param");
    const invite = await revokeInvite(c.env, c.get("auth").workspaceId, id);
    await audit(c, { action: "invite.revoke", targetType: "invite", targetId: id });
    return c.json({ invite }, 200);
  },
);

router.openapi(
  route.post("/api/workspaces/invites/accept", {
    summary: "Join a workspace with an invite code; it becomes the current workspace",
    middleware: signedIn(),
    request: jsonBody(acceptInviteBody),
    responses: {
      200: jsonResponse(acceptedInviteSchema),
      409: jsonResponse(errorBodySchema, "Already a member"),
      410: jsonResponse(errorBodySchema, "Expired, used or revoked"),
    },
  }),
  async (c) => {
    const auth = c.get("auth");
    const { code } = c.req.valid("json");
    const accepted = await acceptInviteCode(c.env, auth.userId, auth.email, code);
    await setCurrentWorkspace(c.env, auth.userId, accepted.workspace.id, auth.signInId);
    await audit(c, {
      action: "invite.accept",
      workspaceId: accepted.workspace.id,
      targetType: "invite",
      targetId: accepted.inviteId,
      details: { role: accepted.role },
    });
    return c.json({ workspace: toWorkspace(accepted.workspace, accepted.workspace.id) }, 200);
  },
);

export default router;
