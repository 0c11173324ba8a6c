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

router.openapi(
  route.get("/api/workspaces", {
    summary: "Workspaces I belong to, with my role",
    middleware: signedIn(),
    responses: { 200: jsonResponse(workspaceListSchema) },
  }),
  async (c) => {
    const auth = c.get("auth");
    const rows = await listWorkspacesFor(c.env, auth.userId);
    return c.json({ workspaces: rows.map((r) => toWorkspace(r, auth.workspaceId)) }, 200);
  },
);

router.openapi(
  route.post("/api/workspaces", {
    summary: "Create a workspace; the caller becomes its owner",
    middleware: signedIn(),
    request: jsonBody(createWorkspaceBody),
    responses: { 201: jsonResponse(workspaceSettingsSchema) },
  }),
  async (c) => {
    const auth = c.get("auth");
    const { name } = c.req.valid("json");
    const { limit } = await maxOwnedWorkspaces(c.env, auth.userId);
    const row = await createWorkspace(c.env, { ownerId: auth.userId, name, maxOwned: limit });
    await audit(c, { action: "workspace.create", workspaceId: row.id, targetType: "workspace", targetId: row.id, details: { name } });
    return c.json({ workspace: toWorkspace(row, auth.workspaceId) }, 201);
  },
);

router.openapi(
  route.post("/api/auth/switch-workspace", {
    summary: "Make another of my workspaces the current one for this sign-in",
    middleware: signedIn(),
    request: jsonBody(switchWorkspaceBody),
    responses: { 200: jsonResponse(workspaceSettingsSchema) },
  }),
  async (c) => {
    const auth = c.get("auth");
    const { workspaceId } = c.req.valid("json");
    if (auth.via === "api_token")
      throw new ApiError("bad_request", "API tokens are bound to one workspace; create a token in the other one");
    const row = await getWorkspaceFor(c.env, auth.userId, workspaceId);
    await setCurrentWorkspace(c.env, auth.userId, workspaceId, auth.signInId);
    await audit(c, { action: "workspace.switch", workspaceId, targetType: "workspace", targetId: workspaceId });
    return c.json({ workspace: toWorkspace(row, workspaceId) }, 200);
  },
);

router.openapi(
  route.get("/api/workspaces/current/settings", {
    summary: "The current workspace",
    middleware: permitted("workspace.read"),
    responses: { 200: jsonResponse(workspaceSettingsSchema) },
  }),
  async (c) => c.json(await currentSettings(c), 200),
);

router.openapi(
  route.patch("/api/workspaces/current/settings", {
    summary: "Rename the current workspace",
    middleware: permitted("workspace.update"),
    request: jsonBody(updateSettingsBody),
    responses: { 200: jsonResponse(workspaceSettingsSchema) },
  }),
  async (c) => {
    const auth = c.get("auth");
    const { name } = c.req.valid("json");
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
);

router.openapi(
  route.post("/api/workspaces/current/transfer", {
    summary: "Make another member the owner; the caller stays on as admin",
    middleware: permitted("workspace.transfer"),
    request: jsonBody(transferOwnershipBody),
    responses: { 200: jsonResponse(workspaceSettingsSchema) },
  }),
  async (c) => {
    const auth = c.get("auth");
    const { userId } = c.req.valid("json");
    const ws = await currentWorkspace(c);
    await getMember(c.env, auth.workspaceId, userId);
    if (ws.personal) throw new ApiError("invalid_state", "a personal workspace cannot change owner");
    await transferOwnership(c.env, auth.workspaceId, auth.userId, userId);
    await audit(c, { action: "workspace.transfer", targetType: "user", targetId: userId, details: { from: auth.userId } });
    return c.json(await currentSettings(c), 200);
  },
);

router.openapi(
  route.post("/api/workspaces/current/leave", {
    summary: "Leave the current workspace (not the last owner, not a personal workspace)",
    middleware: permitted("workspace.leave"),
    responses: { 200: jsonResponse(okSchema) },
  }),
  async (c) => {
    const auth = c.get("auth");
    const ws = await currentWorkspace(c);
    if (ws.personal && ws.ownerId === auth.userId) throw new ApiError("invalid_state", "you cannot leave your personal workspace");
    await removeMember(c.env, auth.workspaceId, { userId: auth.userId, role: auth.role }, auth.userId);
    await audit(c, { action: "workspace.leave", targetType: "user", targetId: auth.userId });
    await closeConnectionsAfter(c, { workspaceId: auth.workspaceId }, { userId: auth.userId, lostAccess: true });
    await closeLinksOfCreator(c, auth.workspaceId, auth.userId, null);
    return c.json({ ok: true as const }, 200);
  },
);

router.openapi(
  route.delete("/api/workspaces/current", {
    summary: "Delete the current workspace and everything in it (owner only)",
    middleware: permitted("workspace.delete"),
    responses: { 200: jsonResponse(okSchema) },
  }),
  async (c) => {
    const ws = await currentWorkspace(c);
    if (ws.personal) throw new ApiError("invalid_state", "a personal workspace cannot be deleted");
    // Audited first: once deleted, the workspace's rows stop resolving.
    await audit(c, { action: "workspace.delete", targetType: "workspace", targetId: ws.id, details: { name: ws.name } });
    await deleteWorkspace(c.env, ws.id);
    return c.json({ ok: true as const }, 200);
  },
);

export default router;
