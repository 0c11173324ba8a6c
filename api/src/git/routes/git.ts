import { ApiError } from "@burstflare/sdk/errors";
import { dotfilesApplyResponse, dotfilesResponse, sessionDotfilesResponse, setDotfilesBody } from "@burstflare/sdk/schemas/dotfiles";
import { gitCloneResult, gitCredentialResponse, gitSourceSchema, setGitCredentialBody } from "@burstflare/sdk/schemas/git";
import { z } from "@hono/zod-openapi";
import { requireUserSession } from "../../auth/guards";
import { audit } from "../../lib/audit";
import { dbOf } from "../../lib/db";
import { conflict, jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { iso, now } from "../../lib/time";
import { requireAuth } from "../../middleware/auth";
import { pathSession } from "../../sessions/routes/path-session";
import { runningAgent } from "../../snapshots/agent";
import { runClone } from "../clone";
import { deleteGitCredential, getGitCredential, setGitCredential, userInWorkspace } from "../credentials";
import { applyDotfiles, getUserDotfiles } from "../dotfiles";
import { deleteUserDotfiles, findSessionDotfilesRun, upsertUserDotfiles } from "../git-account-repo";

/** The user's git token (stored sealed, never answered) and cloning a session's repository again. */
const { router, route } = apiRouter(["git"]);

route.get("/api/me/git-credential", [requireAuth] as const, {
  summary: "Which git host your stored token is offered to (never the token)",
  responses: { 200: jsonResponse(gitCredentialResponse) },
  handler: async (c, { auth }) => c.json({ credential: await getGitCredential(c.env, auth.userId) }, 200),
});

route.post("/api/me/git-credential", [requireAuth, requireUserSession] as const, {
  summary: "Store your git token for one host, sealed; your sessions offer it to git through a credential helper",
  request: jsonBody(setGitCredentialBody),
  responses: { 200: jsonResponse(gitCredentialResponse) },
  handler: async (c, { auth, body }) => {
    const credential = await setGitCredential(c.env, auth.userId, { host: body.host, username: body.username, token: body.token });
    await audit(c, { action: "git_credential.set", targetType: "user", targetId: auth.userId, details: { host: body.host } });
    return c.json({ credential }, 200);
  },
});

route.delete("/api/me/git-credential", [requireAuth, requireUserSession] as const, {
  summary: "Forget your git token (sessions started from now on no longer offer it)",
  responses: { 200: jsonResponse(gitCredentialResponse) },
  handler: async (c, { auth }) => {
    if (await deleteGitCredential(c.env, auth.userId)) {
      await audit(c, { action: "git_credential.delete", targetType: "user", targetId: auth.userId });
    }
    return c.json({ credential: null }, 200);
  },
});

route.post("/api/sessions/{sessionId}/git/clone", permitted("runtime.access"), {
  summary: "Clone the session's repository now (after a failed first clone, or another one), in the running session",
  request: { ...jsonBody(z.object({ git: gitSourceSchema.optional() })) },
  responses: { 200: jsonResponse(gitCloneResult), ...conflict },
  handler: async (c, { body }) => {
    const { row } = await pathSession(c);
    const source = body.git ?? row.config.manifest.git;
    if (!source) throw new ApiError("validation_failed", "this session has no repository; pass git: {url, ref}");
    if (row.state !== "running") throw new ApiError("invalid_state", `session is ${row.state}; start it first`);
    const result = await runClone(runningAgent(c.env, row.id), source, () => {});
    return c.json(result, 200);
  },
});

route.get("/api/me/dotfiles", [requireAuth] as const, {
  summary: "Your dotfiles repository, cloned on the first start of each of your sessions",
  responses: { 200: jsonResponse(dotfilesResponse) },
  handler: async (c, { auth }) => {
    const d = await getUserDotfiles(c.env, auth.userId);
    return c.json({ dotfiles: d ? { url: d.url, ref: d.ref ?? null, updatedAt: d.updatedAt } : null }, 200);
  },
});

route.post("/api/me/dotfiles", [requireAuth, requireUserSession] as const, {
  summary: "Set your dotfiles repository (sessions started from now on apply it at their first start)",
  request: jsonBody(setDotfilesBody),
  responses: { 200: jsonResponse(dotfilesResponse) },
  handler: async (c, { auth, body }) => {
    const t = now();
    await upsertUserDotfiles(dbOf(c.env), auth.userId, body.url, body.ref ?? null, t);
    await audit(c, { action: "dotfiles.set", targetType: "user", targetId: auth.userId, details: { url: body.url } });
    return c.json({ dotfiles: { url: body.url, ref: body.ref ?? null, updatedAt: iso(t) ?? "" } }, 200);
  },
});

route.delete("/api/me/dotfiles", [requireAuth, requireUserSession] as const, {
  summary: "Stop applying dotfiles to new sessions",
  responses: { 200: jsonResponse(dotfilesResponse) },
  handler: async (c, { auth }) => {
    await deleteUserDotfiles(dbOf(c.env), auth.userId);
    return c.json({ dotfiles: null }, 200);
  },
});

route.get("/api/sessions/{sessionId}/dotfiles", permitted("runtime.access"), {
  summary: "The last dotfiles run of a session: status and the tail of its output",
  // Install output is the owner's environment at work: those who may use the runtime, not viewers.
  responses: { 200: jsonResponse(sessionDotfilesResponse) },
  handler: async (c) => {
    const { row } = await pathSession(c);
    const run = await findSessionDotfilesRun(dbOf(c.env), row.id);
    return c.json({ run: run ? { url: run.url, status: run.status, output: run.output, at: iso(run.at) ?? "" } : null }, 200);
  },
});

route.post("/api/sessions/{sessionId}/dotfiles/apply", permitted("runtime.access"), {
  summary: "Apply the owner's dotfiles to the running session now (after a failed first run, or new dotfiles)",
  responses: { 200: jsonResponse(dotfilesApplyResponse), ...conflict },
  handler: async (c) => {
    const { row } = await pathSession(c);
    // The session owner's dotfiles, whoever asks (a member with runtime access could run them anyway).
    const source = (await userInWorkspace(c.env, row.ownerId, row.workspaceId)) ? await getUserDotfiles(c.env, row.ownerId) : null;
    if (!source) throw new ApiError("validation_failed", "the session's owner has no dotfiles; set them with `flare dotfiles set <url>`");
    if (row.state !== "running") throw new ApiError("invalid_state", `session is ${row.state}; start it first`);
    return c.json(await applyDotfiles(c.env, row, runningAgent(c.env, row.id), source), 200);
  },
});

export default router;
