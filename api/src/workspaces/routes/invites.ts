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
import { INVITE_BOUNDS } from "../invites-repo";
import { setCurrentWorkspace, toWorkspace } from "../store";

const { router, route } = apiRouter(["invites"]);

route.get("/api/workspaces/current/invites", permitted("invites.manage"), {
  summary: "Invites of the current workspace (codes are never shown again)",
  description: `Newest first: the pending invites (at most ${INVITE_BOUNDS.maxLive}) and the newest ${INVITE_BOUNDS.keepEnded} used, revoked or expired.`,
  responses: { 200: jsonResponse(inviteListSchema) },
  handler: async (c, { auth }) => c.json({ invites: await listInvites(c.env, auth.workspaceId) }, 200),
});

route.post("/api/workspaces/current/invites", permitted("invites.manage"), {
  summary: "Create a single-use invite code, optionally bound to an email",
  description: `At most ${INVITE_BOUNDS.maxLive} pending invites per workspace (403 \`quota_exceeded\`); making one removes the workspace's used, revoked and expired invites beyond the newest ${INVITE_BOUNDS.keepEnded}.`,
  request: jsonBody(createInviteBody),
  responses: { 201: jsonResponse(createdInviteSchema) },
  handler: async (c, { auth, body }) => {
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
});

route.delete("/api/workspaces/current/invites/{inviteId}", permitted("invites.manage"), {
  summary: "Revoke an unused invite",
  responses: { 200: jsonResponse(z.object({ invite: inviteSchema })) },
  handler: async (c, { auth, params: { inviteId: id } }) => {
    const invite = await revokeInvite(c.env, auth.workspaceId, id);
    await audit(c, { action: "invite.revoke", targetType: "invite", targetId: id });
    return c.json({ invite }, 200);
  },
});

route.post("/api/workspaces/invites/accept", signedIn(), {
  summary: "Join a workspace with an invite code; it becomes the current workspace",
  request: jsonBody(acceptInviteBody),
  responses: {
    200: jsonResponse(acceptedInviteSchema),
    409: jsonResponse(errorBodySchema, "Already a member"),
    410: jsonResponse(errorBodySchema, "Expired, used or revoked"),
  },
  handler: async (c, { auth, body: { code } }) => {
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
});

export default router;
