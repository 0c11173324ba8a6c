import { ApiError } from "@burstflare/sdk/errors";
import {
  createWorkspaceBody,
  switchWorkspaceBody,
  transferOwnershipBody,
  updateSettingsBody,
  workspaceListSchema,
  workspaceSettingsSchema,
} from "@burstflare/sdk/schemas/workspaces";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { audit } from "../../lib/audit";
import { dbOf } from "../../lib/db";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted, signedIn } from "../../lib/route";
import { now } from "../../lib/time";
import { closeConnectionsAfter } from "../../sessions/connections";
import { closeLinksOfCreator } from "../../shares/creator";
import { getMember, removeMember, transferOwnership } from "../members";
import {
  createWorkspace,
  deleteWorkspace,
  getWorkspaceFor,
  listWorkspacesFor,
  maxOwnedWorkspaces,
  setCurrentWorkspace,
  toWorkspace,
} from "../store";
import { renameWorkspace } from "../workspaces-repo";

const { router, route } = apiRouter(["workspaces"]);
const okSchema = z.object({ ok: z.literal(true) });

/** The caller's current workspace; not found once they are no longer a member. */
function currentWorkspace(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return getWorkspaceFor(c.env, auth.userId, auth.workspaceId);
}

/** What the routes about the current workspace's settings answer. */
async function currentSettings(c: Context<AppEnv>) {
  return { workspace: toWorkspace(await currentWorkspace(c), c.get("auth").workspaceId) };
}

route.get("/api/workspaces", signedIn(), {
  summary: "Workspaces I belong to, with my role",
  responses: { 200: jsonResponse(workspaceListSchema) },
  handler: async (c, { auth }) => {
    const rows = await listWorkspacesFor(c.env, auth.userId);
    return c.json({ workspaces: rows.map((r) => toWorkspace(r, auth.workspaceId)) }, 200);
  },
});

route.post("/api/workspaces", signedIn(), {
  summary: "Create a workspace; the caller becomes its owner",
  request: jsonBody(createWorkspaceBody),
  responses: { 201: jsonResponse(workspaceSettingsSchema) },
  handler: async (c, { auth, body: { name } }) => {
    const { limit } = await maxOwnedWorkspaces(c.env, auth.userId);
    const row = await createWorkspace(c.env, { ownerId: auth.userId, name, maxOwned: limit });
    await audit(c, { action: "workspace.create", workspaceId: row.id, targetType: "workspace", targetId: row.id, details: { name } });
    return c.json({ workspace: toWorkspace(row, auth.workspaceId) }, 201);
  },
});

route.post("/api/auth/switch-workspace", signedIn(), {
  summary: "Make another of my workspaces the current one for this sign-in",
  request: jsonBody(switchWorkspaceBody),
  responses: { 200: jsonResponse(workspaceSettingsSchema) },
  handler: async (c, { auth, body: { workspaceId } }) => {
    if (auth.via === "api_token")
      throw new ApiError("bad_request", "API tokens are bound to one workspace; create a token in the other one");
    const row = await getWorkspaceFor(c.env, auth.userId, workspaceId);
    await setCurrentWorkspace(c.env, auth.userId, workspaceId, auth.signInId);
    await audit(c, { action: "workspace.switch", workspaceId, targetType: "workspace", targetId: workspaceId });
    return c.json({ workspace: toWorkspace(row, workspaceId) }, 200);
  },
});

route.get("/api/workspaces/current/settings", permitted("workspace.read"), {
  summary: "The current workspace",
  responses: { 200: jsonResponse(workspaceSettingsSchema) },
  handler: async (c) => c.json(await currentSettings(c), 200),
});

route.patch("/api/workspaces/current/settings", permitted("workspace.update"), {
  summary: "Rename the current workspace",
  request: jsonBody(updateSettingsBody),
  responses: { 200: jsonResponse(workspaceSettingsSchema) },
  handler: async (c, { auth, body: { name } }) => {
    const before = await currentWorkspace(c);
    await renameWorkspace(dbOf(c.env), auth.workspaceId, name, now());
    await audit(c, {
      action: "workspace.rename",
      targetType: "workspace",
      targetId: auth.workspaceId,
      details: { from: before.name, to: name },
    });
    return c.json({ workspace: toWorkspace({ ...before, name }, auth.workspaceId) }, 200);
  },
});

route.post("/api/workspaces/current/transfer", permitted("workspace.transfer"), {
  summary: "Make another member the owner; the caller stays on as admin",
  request: jsonBody(transferOwnershipBody),
  responses: { 200: jsonResponse(workspaceSettingsSchema) },
  handler: async (c, { auth, body: { userId } }) => {
    await getMember(c.env, auth.workspaceId, userId);
    if ((await currentWorkspace(c)).personal) throw new ApiError("invalid_state", "a personal workspace cannot change owner");
    await transferOwnership(c.env, auth.workspaceId, auth.userId, userId);
    await audit(c, { action: "workspace.transfer", targetType: "user", targetId: userId, details: { from: auth.userId } });
    return c.json(await currentSettings(c), 200);
  },
});

route.post("/api/workspaces/current/leave", permitted("workspace.leave"), {
  summary: "Leave the current workspace (not the last owner, not a personal workspace)",
  responses: { 200: jsonResponse(okSchema) },
  handler: async (c, { auth }) => {
    const ws = await currentWorkspace(c);
    if (ws.personal && ws.ownerId === auth.userId) throw new ApiError("invalid_state", "you cannot leave your personal workspace");
    await removeMember(c.env, auth.workspaceId, { userId: auth.userId, role: auth.role }, auth.userId);
    await audit(c, { action: "workspace.leave", targetType: "user", targetId: auth.userId });
    await closeConnectionsAfter(c, { workspaceId: auth.workspaceId }, { userId: auth.userId, lostAccess: true });
    await closeLinksOfCreator(c, auth.workspaceId, auth.userId, null);
    return c.json({ ok: true as const }, 200);
  },
});

route.delete("/api/workspaces/current", permitted("workspace.delete"), {
  summary: "Delete the current workspace and everything in it (owner only)",
  responses: { 200: jsonResponse(okSchema) },
  handler: async (c) => {
    const ws = await currentWorkspace(c);
    if (ws.personal) throw new ApiError("invalid_state", "a personal workspace cannot be deleted");
    // Audited first: once deleted, the workspace's rows stop resolving.
    await audit(c, { action: "workspace.delete", targetType: "workspace", targetId: ws.id, details: { name: ws.name } });
    await deleteWorkspace(c.env, ws.id);
    return c.json({ ok: true as const }, 200);
  },
});

export default router;
