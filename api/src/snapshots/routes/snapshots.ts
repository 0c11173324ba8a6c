import { ApiError } from "@burstflare/sdk/errors";
import { sessionSchema } from "@burstflare/sdk/schemas/sessions";
import {
  createSnapshotBody,
  type RestoreIntoNewSessionBody,
  restoreIntoNewSessionBody,
  restoreIntoNewSessionResult,
  restoreSnapshotResult,
  snapshotListSchema,
  snapshotSchema,
  workspaceSnapshotListSchema,
} from "@burstflare/sdk/schemas/snapshots";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppBindings, AppEnv } from "../../env";
import { audit } from "../../lib/audit";
import { downloadResponse } from "../../lib/download";
import { notFound } from "../../lib/errors";
import { conflict, jsonBody, jsonResponse, streamResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { contractView } from "../../lib/view";
import { getSessionById } from "../../sessions/records";
import { sessionStub } from "../../sessions/stub";
import { copySnapshot, restoreLabel, restoreWithSafety } from "../actions";
import { runningAgent } from "../agent";
import { deletedSnapshotBytes, LISTED_SNAPSHOTS } from "../limits";
import { createSessionFromSnapshot } from "../new-session";
import {
  getSnapshot,
  getSnapshotWithDeleted,
  getWorkspaceSnapshot,
  latestReady,
  listDeletedSnapshots,
  listSnapshots,
  listWorkspaceSnapshots,
  restorePointIds,
  type SnapshotRecord,
  toSnapshot,
} from "../records";
import { requireSnapshotSession } from "../session-ref";
import { deleteSnapshot, deleteSnapshotNow, saveSnapshot } from "../store";

const { router, route } = apiRouter(["snapshots"]);
const read = permitted("snapshots.read");
const write = permitted("snapshots.write");
// The archive is the session's files, which only runtime access reads: tools write tokens from the
// environment to disk (~/.npmrc, credential stores, shell history). Viewers list snapshots only.
const download = permitted("snapshots.read", "runtime.access");

/** A live session of the caller's workspace and one of its snapshots; either missing answers 404. */
async function requireSessionSnapshot(env: AppBindings, workspaceId: string, params: { sessionId: string; snapshotId: string }) {
  const session = await requireSnapshotSession(env, workspaceId, params.sessionId);
  const snapshot = await getSnapshot(env, session.id, params.snapshotId);
  if (!snapshot) throw notFound("snapshot");
  return { session, snapshot };
}

route.get("/api/sessions/{sessionId}/snapshots", read, {
  summary: "List a session's snapshots, newest first (at most 500), and what the workspace's deleted snapshots still hold",
  description:
    "With `?deleted=true`, the session's deleted snapshots that are not yet purged (last deleted first): they still count " +
    "against `snapshotBytes`, and a permanent delete frees each one now.",
  request: { query: z.object({ deleted: z.enum(["true", "false"]).optional() }) },
  responses: { 200: jsonResponse(snapshotListSchema) },
  handler: async (c, { auth, params, query }) => {
    const session = await requireSnapshotSession(c.env, auth.workspaceId, params.sessionId);
    const [records, restorePoint, deleted] = await Promise.all([
      (query.deleted === "true" ? listDeletedSnapshots : listSnapshots)(c.env, session.id, LISTED_SNAPSHOTS),
      latestReady(c.env, session.id),
      deletedSnapshotBytes(c.env, auth.workspaceId),
    ]);
    return c.json({ snapshots: records.map((r) => toSnapshot(r, restorePoint?.id ?? null)), deleted }, 200);
  },
});

route.post("/api/sessions/{sessionId}/snapshots", write, {
  summary: "Save a manual snapshot of a running session's persisted paths",
  request: jsonBody(createSnapshotBody),
  responses: { 201: jsonResponse(snapshotSchema, "Created"), ...conflict },
  handler: async (c, { auth, body, params }) => {
    const session = await requireSnapshotSession(c.env, auth.workspaceId, params.sessionId);
    if (session.state !== "running")
      throw new ApiError("invalid_state", `session is ${session.state}; snapshots are taken of a running session`);
    const fetchAgent = runningAgent(c.env, session.id);
    const record = await saveSnapshot(c.env, { session, kind: "manual", label: body.label, createdBy: auth.userId, fetchAgent });
    await audit(c, {
      action: "snapshot.create",
      targetType: "snapshot",
      targetId: record.id,
      details: { sessionId: session.id, bytes: record.bytes },
    });
    return c.json(toSnapshot(record, record.id), 201);
  },
});

route.get("/api/sessions/{sessionId}/snapshots/{snapshotId}", read, {
  summary: "One snapshot",
  responses: { 200: jsonResponse(snapshotSchema) },
  handler: async (c, { auth, params }) => {
    const { session, snapshot } = await requireSessionSnapshot(c.env, auth.workspaceId, params);
    const restorePoint = await latestReady(c.env, session.id);
    return c.json(toSnapshot(snapshot, restorePoint?.id ?? null), 200);
  },
});

route.post("/api/sessions/{sessionId}/snapshots/{snapshotId}/restore", write, {
  summary: "Restore a snapshot into the session",
  description:
    "A running session first saves its current files as a `safety` snapshot, then a verified copy of the chosen snapshot becomes " +
    "the restore point and replaces the persisted paths (`restored` is that copy). " +
    "A stopped or sleeping session gets a verified copy of the chosen snapshot as its new restore point (its next start restores it); " +
    "the previous restore point stays in the list, so `safety` is that snapshot.",
  responses: { 200: jsonResponse(restoreSnapshotResult), ...conflict },
  handler: async (c, { auth, params }) => {
    const { session, snapshot } = await requireSessionSnapshot(c.env, auth.workspaceId, params);
    if (snapshot.status !== "ready") throw new ApiError("invalid_state", `snapshot is ${snapshot.status}, not ready`);
    let restored = snapshot;
    let safety: typeof snapshot;
    if (session.state === "running") {
      const fetchAgent = runningAgent(c.env, session.id);
      ({ restored, safety } = await restoreWithSafety(c.env, session, snapshot, fetchAgent, auth.userId));
    } else if (session.state === "stopped" || session.state === "sleeping" || session.state === "failed" || session.state === "created") {
      const previous = await latestReady(c.env, session.id);
      if (!previous) throw new ApiError("invalid_state", "the session has no restore point to keep");
      if (previous.id === snapshot.id) throw new ApiError("conflict", "this snapshot is already the restore point");
      restored = await copySnapshot(c.env, snapshot, session, {
        kind: "manual",
        label: restoreLabel(snapshot),
        createdBy: auth.userId,
      });
      safety = previous;
    } else {
      throw new ApiError("invalid_state", `session is ${session.state}; try again once it is running or stopped`);
    }
    await audit(c, {
      action: "snapshot.restore",
      targetType: "snapshot",
      targetId: snapshot.id,
      details: { sessionId: session.id, safetyId: safety.id },
    });
    const restorePoint = await latestReady(c.env, session.id);
    return c.json({ restored: toSnapshot(restored, restorePoint?.id ?? null), safety: toSnapshot(safety, restorePoint?.id ?? null) }, 200);
  },
});

route.delete("/api/sessions/{sessionId}/snapshots/{snapshotId}", write, {
  summary: "Delete a snapshot: hidden at once, restorable by an operator for the retention window, then purged with its archive",
  description:
    "A deleted snapshot counts against `snapshotBytes` until it is purged. With `?permanent=true` the snapshot (also one already " +
    "deleted) and its archive are removed now, freeing its bytes at once; refused (409) for a pending upload, the restore point, " +
    "or a snapshot another one (deleted ones too) is built on.",
  request: { query: z.object({ permanent: z.enum(["true", "false"]).optional() }) },
  responses: { 200: jsonResponse(z.object({ ok: z.literal(true) })), ...conflict },
  handler: async (c, { auth, params, query }) => {
    const permanent = query.permanent === "true";
    const session = await requireSnapshotSession(c.env, auth.workspaceId, params.sessionId);
    const snapshot = await (permanent ? getSnapshotWithDeleted : getSnapshot)(c.env, session.id, params.snapshotId);
    if (!snapshot) throw notFound("snapshot");
    if (snapshot.status === "pending") throw new ApiError("invalid_state", "snapshot is still uploading");
    await (permanent ? deleteSnapshotNow : deleteSnapshot)(c.env, snapshot);
    const details = { sessionId: session.id, ...(permanent ? { permanent } : {}) };
    await audit(c, { action: "snapshot.delete", targetType: "snapshot", targetId: snapshot.id, details });
    return c.json({ ok: true as const }, 200);
  },
});

route.get("/api/sessions/{sessionId}/snapshots/{snapshotId}/content", download, {
  summary: "Download a snapshot archive (tar.gz), streamed from storage",
  responses: { 200: streamResponse("application/gzip", "tar.gz archive") },
  handler: async (c, { auth, params }) => {
    const { session, snapshot } = await requireSessionSnapshot(c.env, auth.workspaceId, params);
    if (snapshot.status !== "ready" || !snapshot.sha256) throw notFound("snapshot");
    const object = await c.env.BUCKET.get(snapshot.r2Key);
    if (!object) throw new ApiError("gone", "snapshot content is missing from storage");
    return downloadResponse(object, {
      contentType: "application/gzip",
      filename: `${session.name}-${snapshot.id}.tar.gz`,
      sha256: snapshot.sha256,
      headers: {
        etag: `"${snapshot.sha256}"`,
        // How it was compressed (streamed saves record it; older ones have none: gzip, default level).
        ...(object.customMetadata?.encoding ? { "x-snapshot-encoding": object.customMetadata.encoding } : {}),
      },
    });
  },
});

route.post("/api/sessions/{sessionId}/snapshots/{snapshotId}/new-session", permitted("snapshots.write", "sessions.write"), {
  summary: "Create a new session whose first start restores this snapshot",
  description:
    "The new session gets the snapshot's session template version and runtime config, and a verified copy of the snapshot " +
    "as its restore point. With `start` (default true) it is started at once.",
  request: jsonBody(restoreIntoNewSessionBody),
  responses: { 201: jsonResponse(restoreIntoNewSessionResult, "Created"), ...conflict },
  handler: async (c, { auth, body, params }) => {
    const { snapshot } = await requireSessionSnapshot(c.env, auth.workspaceId, params);
    return c.json(await newSessionFromSnapshot(c, snapshot, body), 201);
  },
});

async function newSessionFromSnapshot(c: Context<AppEnv>, snapshot: SnapshotRecord, body: RestoreIntoNewSessionBody) {
  const auth = c.get("auth");
  if (snapshot.status !== "ready") throw new ApiError("invalid_state", `snapshot is ${snapshot.status}, not ready`);
  const start = body.start ?? true;
  const created = await createSessionFromSnapshot(c.env, {
    workspaceId: auth.workspaceId,
    ownerId: auth.userId,
    name: body.name,
    snapshot,
    start,
  });
  await audit(c, {
    action: "session.create",
    targetType: "session",
    targetId: created.sessionId,
    details: { name: body.name, fromSnapshotId: snapshot.id, fromSessionId: snapshot.sessionId },
  });
  if (start) {
    // A failed start leaves the session `failed` with its reason; the create itself stands.
    await sessionStub(c.env, created.sessionId).start(created.sessionId);
    await audit(c, { action: "session.start", targetType: "session", targetId: created.sessionId });
  }
  const row = await getSessionById(c.env, created.sessionId);
  if (!row) throw notFound("session");
  return { session: contractView(sessionSchema, row), snapshot: toSnapshot(created.snapshot, created.snapshot.id) };
}

route.get("/api/snapshots", read, {
  summary: "Every snapshot of the workspace, those of deleted sessions included (newest first)",
  responses: { 200: jsonResponse(workspaceSnapshotListSchema) },
  handler: async (c, { auth }) => {
    const records = await listWorkspaceSnapshots(c.env, auth.workspaceId);
    const points = await restorePointIds(
      c.env,
      records.map((r) => r.sessionId),
    );
    const snapshots = records.map((r) => ({
      ...toSnapshot(r, points.has(r.id) ? r.id : null),
      sessionName: r.sessionName,
      sessionDeleted: r.sessionDeleted,
    }));
    return c.json({ snapshots }, 200);
  },
});

route.post("/api/snapshots/{snapshotId}/new-session", permitted("snapshots.write", "sessions.write"), {
  summary: "Create a new session from any snapshot of the workspace (also one of a deleted session)",
  request: jsonBody(restoreIntoNewSessionBody),
  responses: { 201: jsonResponse(restoreIntoNewSessionResult, "Created"), ...conflict },
  handler: async (c, { auth, body, params }) => {
    const snapshot = await getWorkspaceSnapshot(c.env, auth.workspaceId, params.snapshotId);
    if (!snapshot) throw notFound("snapshot");
    return c.json(await newSessionFromSnapshot(c, snapshot, body), 201);
  },
});

export default router;
