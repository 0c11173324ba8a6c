import { env } from "cloudflare:workers";
import {
  restoreIntoNewSessionResult,
  snapshotListSchema,
  snapshotSchema,
  workspaceSnapshotListSchema,
} from "@burstflare/sdk/schemas/snapshots";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { runReconcile } from "../../src/reconcile/run";
import { countInWorkspace } from "../helpers/db";
import { insertReadySnapshot, insertTestSession, setTestSessionLifecycle } from "../helpers/snapshots";
import { call, createTestUser } from "../helpers/users";

async function owner() {
  const user = await createTestUser();
  const sessionId = await insertTestSession(user.workspaceId, user.userId);
  return { user, sessionId };
}

describe("snapshot routes: reading", () => {
  it("lists snapshots newest first with the restore point marked; failed rows have no hash", async () => {
    const { user, sessionId } = await owner();
    const t = Date.now();
    const older = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "stop", createdAt: t - 3000 });
    const newer = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "manual", label: "before refactor", createdAt: t - 2000 });
    const failed = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "autosave", status: "failed", createdAt: t - 1000 });
    const res = await call("GET", `/api/sessions/${sessionId}/snapshots`, { user });
    expect(res.status).toBe(200);
    const { snapshots } = snapshotListSchema.parse(await res.json());
    expect(snapshots.map((s) => s.id)).toEqual([failed.id, newer.id, older.id]);
    expect(snapshots.map((s) => s.restorePoint)).toEqual([false, true, false]);
    expect(snapshots[1]).toMatchObject({ kind: "manual", label: "before refactor", status: "ready", bytes: 2048, sha256: newer.sha256 });
    expect(snapshots[0]).toMatchObject({ status: "failed", bytes: null, sha256: null });
  });

  it("lets a viewer list but not download (the archive is the session's files), create, restore or delete", async () => {
    const { user, sessionId } = await owner();
    const snap = await insertReadySnapshot(user.workspaceId, sessionId);
    const viewer = await createTestUser({ workspaceId: user.workspaceId, role: "viewer" });
    expect((await call("GET", `/api/sessions/${sessionId}/snapshots`, { user: viewer })).status).toBe(200);
    for (const [method, path] of [
      ["GET", `/api/sessions/${sessionId}/snapshots/${snap.id}/content`],
      ["POST", `/api/sessions/${sessionId}/snapshots`],
      ["POST", `/api/sessions/${sessionId}/snapshots/${snap.id}/restore`],
      ["DELETE", `/api/sessions/${sessionId}/snapshots/${snap.id}`],
    ] as const) {
      const res = await call(method, path, { user: viewer, body: method === "POST" ? {} : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    }
    expect(await env.BUCKET.head(snap.key)).not.toBeNull();
  });

  it("answers 404 to another workspace on every snapshot route", async () => {
    const { user, sessionId } = await owner();
    const snap = await insertReadySnapshot(user.workspaceId, sessionId);
    const stranger = await createTestUser();
    for (const [method, path] of [
      ["GET", `/api/sessions/${sessionId}/snapshots`],
      ["POST", `/api/sessions/${sessionId}/snapshots`],
      ["GET", `/api/sessions/${sessionId}/snapshots/${snap.id}`],
      ["GET", `/api/sessions/${sessionId}/snapshots/${snap.id}/content`],
      ["POST", `/api/sessions/${sessionId}/snapshots/${snap.id}/restore`],
      ["DELETE", `/api/sessions/${sessionId}/snapshots/${snap.id}`],
    ] as const) {
      const res = await call(method, path, { user: stranger, body: method === "POST" ? {} : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(await env.BUCKET.head(snap.key)).not.toBeNull();
  });

  it("answers 404 for a snapshot of another session of the same workspace", async () => {
    const { user, sessionId } = await owner();
    const otherSession = await insertTestSession(user.workspaceId, user.userId);
    const snap = await insertReadySnapshot(user.workspaceId, otherSession);
    expect((await call("GET", `/api/sessions/${sessionId}/snapshots/${snap.id}`, { user })).status).toBe(404);
    expect((await call("DELETE", `/api/sessions/${sessionId}/snapshots/${snap.id}`, { user })).status).toBe(404);
  });

  it("requires sign-in", async () => {
    const { sessionId } = await owner();
    expect((await call("GET", `/api/sessions/${sessionId}/snapshots`)).status).toBe(401);
  });

  it("streams the archive with its length and sha256; a failed snapshot has no content", async () => {
    const { user, sessionId } = await owner();
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    const snap = await insertReadySnapshot(user.workspaceId, sessionId, { bytes });
    const res = await call("GET", `/api/sessions/${sessionId}/snapshots/${snap.id}/content`, { user });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/gzip");
    expect(res.headers.get("content-length")).toBe("300000");
    expect(res.headers.get("x-content-sha256")).toBe(snap.sha256);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.tar\.gz"$/);
    expect(await sha256Hex(await res.arrayBuffer())).toBe(snap.sha256);
    const failed = await insertReadySnapshot(user.workspaceId, sessionId, { status: "failed" });
    expect((await call("GET", `/api/sessions/${sessionId}/snapshots/${failed.id}/content`, { user })).status).toBe(404);
  });

  it("refuses malformed ids with 400", async () => {
    const { user, sessionId } = await owner();
    const res = await call("GET", `/api/sessions/${sessionId}/snapshots/${encodeURIComponent("../etc")}`, { user });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
  });
});

describe("snapshot routes: writing", () => {
  it("refuses to snapshot a session that is not running, and bad labels", async () => {
    const { user, sessionId } = await owner();
    const stopped = await call("POST", `/api/sessions/${sessionId}/snapshots`, { user, body: { label: "x" } });
    expect(stopped.status).toBe(409);
    expect(((await stopped.json()) as { error: { code: string } }).error.code).toBe("invalid_state");
    for (const label of ["", "a".repeat(121), "bad\u0007bell", 42]) {
      const res = await call("POST", `/api/sessions/${sessionId}/snapshots`, { user, body: { label } });
      expect(res.status, JSON.stringify(label)).toBe(400);
    }
    const notJSON = await call("POST", `/api/sessions/${sessionId}/snapshots`, {
      user,
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    expect(notJSON.status).toBe(400);
    const { results } = await env.DB.prepare("SELECT id FROM snapshots WHERE session_id = ?").bind(sessionId).all();
    expect(results).toHaveLength(0);
  });

  it("deletes a snapshot (its object is purged after the retention window); a pending one cannot be deleted", async () => {
    const { user, sessionId } = await owner();
    const snap = await insertReadySnapshot(user.workspaceId, sessionId);
    const res = await call("DELETE", `/api/sessions/${sessionId}/snapshots/${snap.id}`, { user });
    expect(res.status).toBe(200);
    expect(await env.BUCKET.head(snap.key)).not.toBeNull();
    await runReconcile(env, { policy: { deletedRetentionMs: 0 } });
    expect(await env.BUCKET.head(snap.key)).toBeNull();
    expect((await call("GET", `/api/sessions/${sessionId}/snapshots/${snap.id}`, { user })).status).toBe(404);
    const list = snapshotListSchema.parse(await (await call("GET", `/api/sessions/${sessionId}/snapshots`, { user })).json());
    expect(list.snapshots).toHaveLength(0);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ?").bind(snap.id).first<{ action: string }>();
    expect(audit?.action).toBe("snapshot.delete");
    const pending = await insertReadySnapshot(user.workspaceId, sessionId, { status: "pending" });
    expect((await call("DELETE", `/api/sessions/${sessionId}/snapshots/${pending.id}`, { user })).status).toBe(409);
  });

  it("restoring into a stopped session makes a verified copy the restore point and keeps the previous one", async () => {
    const { user, sessionId } = await owner();
    const t = Date.now();
    const old = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "manual", label: "v1", createdAt: t - 5000 });
    const latest = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "stop", createdAt: t - 1000 });
    const res = await call("POST", `/api/sessions/${sessionId}/snapshots/${old.id}/restore`, { user });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { restored: unknown; safety: unknown };
    const restored = snapshotSchema.parse(body.restored);
    const safety = snapshotSchema.parse(body.safety);
    expect(safety.id).toBe(latest.id);
    expect(restored).toMatchObject({ status: "ready", sha256: old.sha256, restorePoint: true, label: "restore of v1" });
    const object = await env.BUCKET.get(`snapshots/${user.workspaceId}/${sessionId}/${restored.id}.tar.gz`);
    expect(await sha256Hex(await object!.arrayBuffer())).toBe(old.sha256);
    // Restoring the restore point again is refused rather than copied.
    const again = await call("POST", `/api/sessions/${sessionId}/snapshots/${restored.id}/restore`, { user });
    expect(again.status).toBe(409);
  });

  it("refuses to restore a failed snapshot", async () => {
    const { user, sessionId } = await owner();
    await insertReadySnapshot(user.workspaceId, sessionId);
    const failed = await insertReadySnapshot(user.workspaceId, sessionId, { status: "failed" });
    expect((await call("POST", `/api/sessions/${sessionId}/snapshots/${failed.id}/restore`, { user })).status).toBe(409);
  });
});

describe("snapshot routes: restore into a new session", () => {
  it("creates a session whose restore point is a verified copy of the snapshot", async () => {
    const { user, sessionId } = await owner();
    const snap = await insertReadySnapshot(user.workspaceId, sessionId, { label: "good state" });
    const res = await call("POST", `/api/sessions/${sessionId}/snapshots/${snap.id}/new-session`, {
      user,
      body: { name: "from-snapshot", start: false },
    });
    expect(res.status).toBe(201);
    const body = restoreIntoNewSessionResult.parse(await res.json());
    expect(body.session).toMatchObject({ name: "from-snapshot", state: "created", ownerId: user.userId });
    expect(body.snapshot).toMatchObject({ sessionId: body.session.id, status: "ready", sha256: snap.sha256, restorePoint: true });
    const list = snapshotListSchema.parse(await (await call("GET", `/api/sessions/${body.session.id}/snapshots`, { user })).json());
    expect(list.snapshots.map((s) => s.id)).toEqual([body.snapshot.id]);
    const copied = await env.BUCKET.get(`snapshots/${user.workspaceId}/${body.session.id}/${body.snapshot.id}.tar.gz`);
    expect(await sha256Hex(await copied!.arrayBuffer())).toBe(snap.sha256);
    // The source keeps its snapshot.
    expect(await env.BUCKET.head(snap.key)).not.toBeNull();
  });

  it("refuses a taken name, a bad name and a viewer, leaving nothing behind", async () => {
    const { user, sessionId } = await owner();
    const snap = await insertReadySnapshot(user.workspaceId, sessionId);
    const taken = await env.DB.prepare("SELECT name FROM sessions WHERE id = ?").bind(sessionId).first<{ name: string }>();
    const conflict = await call("POST", `/api/sessions/${sessionId}/snapshots/${snap.id}/new-session`, {
      user,
      body: { name: taken?.name, start: false },
    });
    expect(conflict.status).toBe(409);
    const bad = await call("POST", `/api/sessions/${sessionId}/snapshots/${snap.id}/new-session`, { user, body: { name: "Bad Name!" } });
    expect(bad.status).toBe(400);
    const viewer = await createTestUser({ workspaceId: user.workspaceId, role: "viewer" });
    const denied = await call("POST", `/api/sessions/${sessionId}/snapshots/${snap.id}/new-session`, { user: viewer, body: { name: "x" } });
    expect(denied.status).toBe(403);
    expect(await countInWorkspace("sessions", user.workspaceId)).toBe(1);
    expect(await countInWorkspace("snapshots", user.workspaceId)).toBe(1);
  });
});

describe("snapshot and export routes in the OpenAPI document", () => {
  it("lists every snapshot and export path", async () => {
    const res = await call("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, method] of [
      ["/api/sessions/{sessionId}/snapshots", "get"],
      ["/api/sessions/{sessionId}/snapshots", "post"],
      ["/api/sessions/{sessionId}/snapshots/{snapshotId}/restore", "post"],
      ["/api/sessions/{sessionId}/snapshots/{snapshotId}/new-session", "post"],
      ["/api/sessions/{sessionId}/snapshots/{snapshotId}/content", "get"],
      ["/api/sessions/{sessionId}/snapshots/{snapshotId}", "delete"],
      ["/api/workspaces/current/exports", "post"],
      ["/api/admin/workspaces/{workspaceId}/exports", "post"],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });
});

describe("workspace snapshots", () => {
  it("lists snapshots of every session, deleted ones included, and brings a deleted session's work back", async () => {
    const { user, sessionId } = await owner();
    const live = await insertReadySnapshot(user.workspaceId, sessionId, { label: "live" });
    const goneSession = await insertTestSession(user.workspaceId, user.userId);
    const gone = await insertReadySnapshot(user.workspaceId, goneSession, { label: "last words" });
    await setTestSessionLifecycle(goneSession, "deleted");
    const other = await createTestUser();
    await insertReadySnapshot(other.workspaceId, await insertTestSession(other.workspaceId, other.userId));

    const list = workspaceSnapshotListSchema.parse(await (await call("GET", "/api/snapshots", { user })).json());
    expect(list.snapshots.map((s) => [s.id, s.sessionDeleted, s.restorePoint]).sort()).toEqual(
      [
        [live.id, false, true],
        [gone.id, true, true],
      ].sort(),
    );
    // The deleted session's own routes are gone, but its snapshot can seed a new session.
    expect((await call("GET", `/api/sessions/${goneSession}/snapshots`, { user })).status).toBe(404);
    const res = await call("POST", `/api/snapshots/${gone.id}/new-session`, { user, body: { name: "revived", start: false } });
    expect(res.status).toBe(201);
    const body = restoreIntoNewSessionResult.parse(await res.json());
    expect(body.snapshot).toMatchObject({ sha256: gone.sha256, restorePoint: true });
    expect((await call("POST", `/api/snapshots/${gone.id}/new-session`, { user: other, body: { name: "thief" } })).status).toBe(404);
    const viewer = await createTestUser({ workspaceId: user.workspaceId, role: "viewer" });
    expect((await call("GET", "/api/snapshots", { user: viewer })).status).toBe(200);
    expect((await call("POST", `/api/snapshots/${gone.id}/new-session`, { user: viewer, body: { name: "v" } })).status).toBe(403);
  });
});
