import { ApiError } from "@burstflare/sdk/errors";
import { forkBodySchema, forkResponseSchema } from "@burstflare/sdk/schemas/automation";
import { sessionSchema } from "@burstflare/sdk/schemas/sessions";
import { audit } from "../../lib/audit";
import { notFound } from "../../lib/errors";
import { log } from "../../lib/log";
import { conflict, jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { contractView } from "../../lib/view";
import { getSessionById } from "../../sessions/records";
import { sessionStub } from "../../sessions/stub";
import { forkSession } from "../fork-session";
import { requireSnapshotSession } from "../session-ref";

/**
 * POST /api/sessions/:sessionId/fork: a new session from a running session's current state, for trying
 * a branch of work in parallel. The new session is created with the source's template and config,
 * a snapshot of the source is taken on the spot straight into it as its restore point
 * (api/src/snapshots/fork-session.ts), and it is started; the source keeps running untouched.
 */
const { router, route } = apiRouter(["automation"]);

route.post("/api/sessions/{sessionId}/fork", permitted("snapshots.write", "sessions.write"), {
  summary: "Fork a running session: snapshot it now and start a new session from that snapshot",
  request: jsonBody(forkBodySchema),
  responses: { 201: jsonResponse(forkResponseSchema, "Created"), ...conflict },
  handler: async (c, { auth, body: { name }, params }) => {
    const started = Date.now();
    const source = await requireSnapshotSession(c.env, auth.workspaceId, params.sessionId);
    if (source.state !== "running") throw new ApiError("invalid_state", `session is ${source.state}; only a running session is forked`);
    const created = await forkSession(c.env, { workspaceId: auth.workspaceId, ownerId: auth.userId, name, sourceId: source.id });
    const { snapshot } = created;
    const snapshotted = Date.now();
    await audit(c, {
      action: "snapshot.create",
      targetType: "snapshot",
      targetId: snapshot.id,
      details: { sessionId: created.sessionId, forkOf: source.id },
    });
    await audit(c, {
      action: "session.fork",
      targetType: "session",
      targetId: created.sessionId,
      details: { name, fromSessionId: source.id, fromSnapshotId: snapshot.id },
    });
    // A failed start leaves the fork `failed` with its reason, as a create does.
    await sessionStub(c.env, created.sessionId).start(created.sessionId);
    // Where a fork's time goes: the snapshot (export + upload), then the new session's start (restore included).
    log("info", "session forked", {
      sessionId: created.sessionId,
      snapshotMs: snapshotted - started,
      startMs: Date.now() - snapshotted,
      bytes: snapshot.bytes,
    });
    const row = await getSessionById(c.env, created.sessionId);
    if (!row) throw notFound("session");
    return c.json({ session: contractView(sessionSchema, row), snapshotId: snapshot.id, durationMs: Date.now() - started }, 201);
  },
});

export default router;
