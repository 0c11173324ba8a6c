import { can } from "@burstflare/sdk/permissions";
import { changeRoleBody, memberListSchema, memberSchema } from "@burstflare/sdk/schemas/workspaces";
import { z } from "@hono/zod-openapi";
import { audit } from "../../lib/audit";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { closeConnectionsAfter } from "../../sessions/connections";
import { closeLinksOfCreator } from "../../shares/creator";
import { changeRole, listMembers, removeMember } from "../members";

const { router, route } = apiRouter(["members"]);

route.get("/api/workspaces/current/members", permitted("members.read"), {
  summary: "Members of the current workspace",
  description: "Owners first, then admins, members and viewers; within a role, who joined first.",
  responses: { 200: jsonResponse(memberListSchema) },
  handler: async (c, { auth }) => c.json({ members: await listMembers(c.env, auth.workspaceId) }, 200),
});

route.patch("/api/workspaces/current/members/{userId}", permitted("members.manage"), {
  summary: "Change a member's role",
  request: jsonBody(changeRoleBody),
  responses: { 200: jsonResponse(z.object({ member: memberSchema })) },
  handler: async (c, { auth, params: { userId }, body: { role } }) => {
    const before = (await listMembers(c.env, auth.workspaceId)).find((m) => m.userId === userId)?.role;
    const member = await changeRole(c.env, auth.workspaceId, auth, userId, role);
    if (before !== role) {
      await audit(c, { action: "member.role_change", targetType: "user", targetId: userId, details: { from: before, to: role } });
    }
    // Share links stay open to a viewer; the runtime itself does not. (Sockets they opened through a
    // scoped link with a sign-in or token close too, being held by it; the link lets them back in.)
    if (!can(role, "runtime.access")) {
      await closeConnectionsAfter(
        c,
        { workspaceId: auth.workspaceId },
        {
          userId,
          kinds: ["sign_in", "api_token", "preview_grant"],
          lostAccess: true,
        },
      );
    }
    // Their share links stop speaking for them (the gateway refuses them); open sockets close too.
    await closeLinksOfCreator(c, auth.workspaceId, userId, role);
    return c.json({ member }, 200);
  },
});

route.delete("/api/workspaces/current/members/{userId}", permitted("members.manage"), {
  summary: "Remove a member from the current workspace",
  responses: { 200: jsonResponse(z.object({ member: memberSchema })) },
  handler: async (c, { auth, params: { userId } }) => {
    const member = await removeMember(c.env, auth.workspaceId, auth, userId);
    await audit(c, { action: "member.remove", targetType: "user", targetId: userId, details: { role: member.role, email: member.email } });
    await closeConnectionsAfter(c, { workspaceId: auth.workspaceId }, { userId, lostAccess: true });
    await closeLinksOfCreator(c, auth.workspaceId, userId, null);
    return c.json({ member }, 200);
  },
});

export default router;
