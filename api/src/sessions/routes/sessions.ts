import { ApiError } from "@burstflare/sdk/errors";
import { errorBodySchema } from "@burstflare/sdk/schemas/common";
import {
  createSessionBody,
  keepAwakeBody,
  SESSION_PAGE_DEFAULT,
  type SessionDetail,
  sessionDetailResponse,
  sessionListQuery,
  sessionListResponse,
  sessionResponse,
  sessionSchema,
  sshTokenBodySchema,
  sshTokenSchema,
  updateSessionBody,
} from "@burstflare/sdk/schemas/sessions";
import type { Context } from "hono";
import { parseOpenSSHPublicKey } from "../../auth/ssh-keys";
import type { AppEnv } from "../../env";
import { audit } from "../../lib/audit";
import { newId } from "../../lib/crypto";
import { dbOf } from "../../lib/db";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { now } from "../../lib/time";
import { hasJSONBody } from "../../lib/validate";
import { contractView } from "../../lib/view";
import { resolveTemplateForSession } from "../../templates/resolve";
import { assertQuota } from "../../workspaces/quotas";
import { credentialOf } from "../connections";
import { getSessionById, insertSession, listSessionPage } from "../records";
import { setStartOnIntent } from "../sessions-repo";
import { issueSSHToken, sshUserFor } from "../ssh-tokens";
import { sessionDORequest, sessionStub, unwrap } from "../stub";
import { publishSessionChange, workspaceEventsStub } from "../workspace-events";
import { pathSession } from "./path-session";

const { router, route } = apiRouter(["sessions"]);

/** The row as D1 has it after the DO mirrored the operation (deleted rows included). */
async function currentSession(c: Context<AppEnv>, id: string) {
  const row = await getSessionById(c.env, id);
  if (!row) throw new ApiError("not_found", "session not found");
  return contractView(sessionSchema, row);
}

/** The caller and the path's `{sessionId}` session of their workspace; one they may not see answers 404. */
route.post("/api/sessions", permitted("sessions.write"), {
  summary: "Create a session from a template's promoted version (or the built-in starter) and start it",
  request: jsonBody(createSessionBody),
  responses: {
    201: jsonResponse(sessionResponse, "Created"),
    404: jsonResponse(errorBodySchema, "No such template (or it was deleted meanwhile)"),
    409: jsonResponse(errorBodySchema, "Name taken, or the template version was deleted meanwhile"),
  },
  handler: async (c, { auth, body }) => {
    const template = await resolveTemplateForSession(c.env, auth.workspaceId, body.templateId);
    const start = body.start ?? true;
    await assertQuota(c.env, auth.workspaceId, "totalSessions");
    if (start) await assertQuota(c.env, auth.workspaceId, "runningSessions");
    const id = newId("ses");
    await insertSession(c.env, {
      id,
      workspaceId: auth.workspaceId,
      ownerId: auth.userId,
      name: body.name,
      templateId: template.templateId,
      versionId: template.versionId,
      requireLiveTemplate: true,
      startOnIntent: body.startOnIntent ?? false,
      config: {
        // A repository given at create time replaces the template's (issue 18).
        manifest: body.git ? { ...template.manifest, git: body.git } : template.manifest,
        artifactKey: template.artifactKey,
        bundleKey: template.bundleKey,
      },
      at: now(),
    });
    await publishSessionChange(c.env, auth.workspaceId, {
      sessionId: id,
      state: "created",
      stateVersion: 0,
      phase: null,
      failureReason: null,
    });
    await audit(c, {
      action: "session.create",
      targetType: "session",
      targetId: id,
      details: { name: body.name, templateId: template.templateId },
    });
    if (start) {
      // A failed start leaves the session `failed` with its reason; the create itself stands.
      await sessionStub(c.env, id).start(id);
      await audit(c, { action: "session.start", targetType: "session", targetId: id });
    }
    return c.json({ session: await currentSession(c, id) }, 201);
  },
});

route.get("/api/sessions", permitted("sessions.read"), {
  summary: "Sessions of the current workspace, newest first, one page at a time (follow nextCursor), filtered on the server",
  request: { query: sessionListQuery },
  responses: { 200: jsonResponse(sessionListResponse) },
  handler: async (c, { auth, query: { limit, cursor, state, templateId, owner, name, q } }) => {
    const filters = { states: state, templateId, ownerId: owner === "me" ? auth.userId : owner, name, q };
    const page = await listSessionPage(c.env, auth.workspaceId, { limit: limit ?? SESSION_PAGE_DEFAULT, cursor, filters });
    return c.json({ sessions: page.sessions.map((s) => contractView(sessionSchema, s)), nextCursor: page.nextCursor }, 200);
  },
});

// Registered before /api/sessions/{sessionId} so "events" is never taken for a session id.
route.get("/api/sessions/events", permitted("sessions.read"), {
  summary: "Server-Sent Events of every session change in the workspace (one stream per open list, no polling)",
  responses: {
    200: { description: "text/event-stream of WorkspaceSessionEvent (`event: session`; `event: reset` = refetch)" },
  },
  handler: async (c, { auth }) => {
    const headers = new Headers();
    const last = c.req.header("last-event-id");
    if (last) headers.set("last-event-id", last);
    const request = new Request("https://workspace-events.internal/events", { headers, signal: c.req.raw.signal });
    return workspaceEventsStub(c.env, auth.workspaceId).fetch(request);
  },
});

route.get("/api/sessions/{sessionId}", permitted("sessions.read"), {
  summary: "One session, with what keeps it awake and when it sleeps",
  responses: { 200: jsonResponse(sessionDetailResponse) },
  handler: async (c) => {
    const { id, row } = await pathSession(c);
    const { record, activity } = unwrap(await sessionStub(c.env, id).describe(id));
    // describe() changes the state only when it finds the runtime lost; then the row is read again.
    const fresh = record.stateVersion === row.stateVersion ? contractView(sessionSchema, row) : await currentSession(c, id);
    const session: SessionDetail = { ...fresh, activity };
    return c.json({ session }, 200);
  },
});

route.patch("/api/sessions/{sessionId}", permitted("sessions.write"), {
  summary: "Change the session's settings (start on intent)",
  request: jsonBody(updateSessionBody),
  responses: { 200: jsonResponse(sessionResponse) },
  handler: async (c, { body: { startOnIntent } }) => {
    const { id } = await pathSession(c);
    await setStartOnIntent(dbOf(c.env), id, startOnIntent);
    await audit(c, { action: "session.update", targetType: "session", targetId: id, details: { startOnIntent } });
    return c.json({ session: await currentSession(c, id) }, 200);
  },
});

const lifecycleActions = ["start", "stop", "restart"] as const;
for (const action of lifecycleActions) {
  route.post(`/api/sessions/{sessionId}/${action}`, permitted("sessions.lifecycle"), {
    summary: `${action[0]?.toUpperCase()}${action.slice(1)} the session; answers when the transition is done`,
    responses: { 200: jsonResponse(sessionResponse) },
    handler: async (c) => {
      const { auth, id } = await pathSession(c);
      const stub = sessionStub(c.env, id);
      const actor = { userId: auth.userId };
      const result =
        action === "start" ? await stub.start(id) : action === "stop" ? await stub.stop(id, actor) : await stub.restart(id, actor);
      await audit(c, { action: `session.${action}`, targetType: "session", targetId: id, details: { ok: result.ok } });
      unwrap(result);
      return c.json({ session: await currentSession(c, id) }, 200);
    },
  });
}

route.delete("/api/sessions/{sessionId}", permitted("sessions.write"), {
  summary: "Stop (with a final snapshot) and delete the session",
  responses: { 200: jsonResponse(sessionResponse) },
  handler: async (c) => {
    const { auth, id } = await pathSession(c);
    unwrap(await sessionStub(c.env, id).remove(id, { userId: auth.userId }));
    await audit(c, { action: "session.delete", targetType: "session", targetId: id });
    return c.json({ session: await currentSession(c, id) }, 200);
  },
});

route.post("/api/sessions/{sessionId}/keep-awake", permitted("sessions.lifecycle"), {
  summary: "Hold the session awake for a long job (minutes ≤ 480; 0 releases)",
  request: jsonBody(keepAwakeBody),
  responses: { 200: jsonResponse(sessionDetailResponse) },
  handler: async (c, { body: { minutes } }) => {
    const { auth, id } = await pathSession(c);
    const stub = sessionStub(c.env, id);
    unwrap(await stub.keepAwake(id, minutes, auth.userId));
    await audit(c, { action: "session.keep_awake", targetType: "session", targetId: id, details: { minutes } });
    const { activity } = unwrap(await stub.describe(id));
    return c.json({ session: { ...(await currentSession(c, id)), activity } }, 200);
  },
});

route.get("/api/sessions/{sessionId}/events", permitted("sessions.read"), {
  summary: "Server-Sent Events of the session's transitions, phases and warnings (recent ones first)",
  responses: { 200: { description: "text/event-stream of SessionEvent" } },
  handler: async (c) => {
    const { id } = await pathSession(c);
    const headers = new Headers();
    const last = c.req.header("last-event-id");
    if (last) headers.set("last-event-id", last);
    return sessionStub(c.env, id).fetch(sessionDORequest(id, "/events", { headers, signal: c.req.raw.signal }));
  },
});

route.post("/api/sessions/{sessionId}/ssh-token", permitted("runtime.access"), {
  summary: "A single-use, short-lived token for one SSH connection to the session",
  description:
    "With `publicKey`, the connection accepts that key only (no account key needed): API tokens, which cannot register account keys, bind a per-connection key this way.",
  request: { body: { content: { "application/json": { schema: sshTokenBodySchema } }, required: false } },
  responses: { 200: jsonResponse(sshTokenSchema) },
  handler: async (c) => {
    const { auth, id, row } = await pathSession(c);
    const body = hasJSONBody(c) ? c.req.valid("json") : {};
    const bound = body.publicKey ? await parseOpenSSHPublicKey(body.publicKey) : null;
    const token = await issueSSHToken(
      c.env,
      {
        sessionId: id,
        userId: auth.userId,
        workspaceId: auth.workspaceId,
        sshUser: sshUserFor(auth.email),
        credential: credentialOf(auth),
        ...(auth.credentialExpiresAt ? { credentialExpiresAt: auth.credentialExpiresAt } : {}),
        ...(bound ? { boundKey: bound.publicKey } : {}),
      },
      bound?.fingerprint,
    );
    await audit(c, {
      action: "session.ssh_token",
      targetType: "session",
      targetId: id,
      ...(bound ? { details: { boundKey: bound.fingerprint } } : {}),
    });
    const { name, state } = row;
    return c.json({ ...token, session: { id, name, state } }, 200);
  },
});

export default router;
