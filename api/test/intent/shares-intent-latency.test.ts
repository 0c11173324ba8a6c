import { env } from "cloudflare:workers";
import { adminReportSchema } from "@burstflare/sdk/schemas/admin";
import { intentResponse } from "@burstflare/sdk/schemas/intent";
import { sessionLatencyResponse } from "@burstflare/sdk/schemas/metrics";
import { sessionResponse } from "@burstflare/sdk/schemas/sessions";
import type { SessionState } from "@burstflare/sdk/states";
import { describe, expect, it } from "vitest";
import { noteSessionConnect } from "../../src/intent/intents";
import { insertWakingIntent, markIntentsConnected } from "../../src/intent/intents-repo";
import { dbOf } from "../../src/lib/db";
import { percentile } from "../../src/metrics/percentile";
import { recordStart, startLatencyStats } from "../../src/metrics/start-latency";
import { saveQuotaOverrides } from "../../src/workspaces/quotas-repo";
import { countInWorkspace, countRows } from "../helpers/db";
import { operatorUser } from "../helpers/operator";
import { setTestSessionLifecycle } from "../helpers/snapshots";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * Start on intent's decisions that need no runtime (the wake itself is in
 * test/stack/intent.test.ts) and the latency figures computed from recorded boots.
 */

async function session(user: TestUser, name: string, opts: { startOnIntent?: boolean; state?: SessionState; lastActiveAt?: number } = {}) {
  const res = await call("POST", "/api/sessions", { user, body: { name, start: false, startOnIntent: opts.startOnIntent } });
  expect(res.status).toBe(201);
  const { session } = sessionResponse.parse(await res.json());
  // Stands in for the transitions (a boot, an idle sleep) that need a runtime.
  await setTestSessionLifecycle(session.id, opts.state ?? "stopped", { lastActiveAt: opts.lastActiveAt ?? Date.now() });
  return session.id;
}

async function intent(user: TestUser, body: unknown) {
  const res = await call("POST", "/api/intent", { user, body });
  expect(res.status, await res.clone().text()).toBe(202);
  return intentResponse.parse(await res.json());
}

describe("PATCH /api/sessions/:id", () => {
  it("turns start on intent on and off, audits it, and validates", async () => {
    const owner = await createTestUser();
    const id = await session(owner, "patched");
    const on = await call("PATCH", `/api/sessions/${id}`, { user: owner, body: { startOnIntent: true } });
    expect(sessionResponse.parse(await on.json()).session.startOnIntent).toBe(true);
    const off = await call("PATCH", `/api/sessions/${id}`, { user: owner, body: { startOnIntent: false } });
    expect(sessionResponse.parse(await off.json()).session.startOnIntent).toBe(false);
    for (const body of [{}, { startOnIntent: "yes" }, { startOnIntent: 1 }]) {
      expect((await call("PATCH", `/api/sessions/${id}`, { user: owner, body })).status).toBe(400);
    }
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect((await call("PATCH", `/api/sessions/${id}`, { user: viewer, body: { startOnIntent: true } })).status).toBe(403);
    const stranger = await createTestUser();
    expect((await call("PATCH", `/api/sessions/${id}`, { user: stranger, body: { startOnIntent: true } })).status).toBe(404);
    expect(await countRows("audit_log", "target_id = ? AND action = 'session.update'", id)).toBe(2);
  });
});

describe("POST /api/intent", () => {
  it("does nothing for sessions not marked, not sleeping, or not the caller's", async () => {
    const owner = await createTestUser();
    expect(await intent(owner, { surface: "dashboard" })).toEqual({ intentId: null, sessionId: null, action: "none" });
    const unmarked = await session(owner, "unmarked", { state: "sleeping" });
    expect(await intent(owner, { surface: "workbench", sessionId: unmarked })).toMatchObject({ action: "none", sessionId: unmarked });
    const stopped = await session(owner, "stopped", { startOnIntent: true, state: "stopped" });
    expect(await intent(owner, { surface: "ssh", sessionId: stopped })).toMatchObject({ action: "none" });
    const running = await session(owner, "running", { startOnIntent: true, state: "running" });
    expect(await intent(owner, { surface: "cli", sessionId: running })).toMatchObject({ action: "running", intentId: null });
    // The dashboard picks the caller's most recently used marked session: here the running one.
    expect(await intent(owner, { surface: "dashboard" })).toMatchObject({ action: "running", sessionId: running });
    // Another member's marked sleeping session is not the caller's most recent one.
    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    expect(await intent(member, { surface: "dashboard" })).toMatchObject({ action: "none", sessionId: null });
    expect(await countInWorkspace("session_intents", owner.workspaceId)).toBe(0);
  });

  it("answers quota when waking would exceed the running-sessions quota, without waking", async () => {
    const owner = await createTestUser();
    await saveQuotaOverrides(dbOf(env), owner.workspaceId, [{ limitName: "runningSessions", value: 0 }], "test", Date.now());
    const id = await session(owner, "sleepy", { startOnIntent: true, state: "sleeping" });
    expect(await intent(owner, { surface: "dashboard" })).toEqual({ intentId: null, sessionId: id, action: "quota" });
    const row = await env.DB.prepare("SELECT state FROM sessions WHERE id = ?").bind(id).first<{ state: string }>();
    expect(row?.state).toBe("sleeping");
  });

  it("validates its input and hides other workspaces' sessions", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    const id = await session(owner, "mine", { startOnIntent: true, state: "sleeping" });
    for (const body of [{}, { surface: "email" }, { surface: "dashboard", sessionId: "../x" }]) {
      expect((await call("POST", "/api/intent", { user: owner, body })).status).toBe(400);
    }
    expect((await call("POST", "/api/intent", { user: stranger, body: { surface: "workbench", sessionId: id } })).status).toBe(404);
    expect((await call("POST", "/api/intent", { body: { surface: "dashboard" } })).status).toBe(401);
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect((await call("POST", "/api/intent", { user: viewer, body: { surface: "dashboard" } })).status).toBe(403);
  });
});

describe("start and wake latency", () => {
  it("nearest-rank percentiles", () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 95)).toBe(7);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
  });

  it("summarises recorded boots by kind, and the time start on intent saved", async () => {
    const owner = await createTestUser();
    const id = await session(owner, "measured");
    const t = Date.now();
    const boot = (kind: "start" | "wake", ms: number, ok = true, at = t) =>
      recordStart(env, {
        sessionId: id,
        workspaceId: owner.workspaceId,
        kind,
        ok,
        startedAt: at - ms,
        finishedAt: at,
        phases: { provisioning: ms / 2, bootstrapping: ms / 2 },
      });
    for (const ms of [1000, 2000, 3000, 4000]) await boot("start", ms);
    await boot("start", 9000, false);
    for (const ms of [500, 700]) await boot("wake", ms);
    await boot("wake", 99_999, true, t - 2 * 24 * 3600 * 1000);

    // An intent fired 3 s before the user connected; the wake finished 1 s after the connect.
    const db = dbOf(env);
    await insertWakingIntent(db, {
      id: "int_a",
      userId: owner.userId,
      workspaceId: owner.workspaceId,
      sessionId: id,
      surface: "dashboard",
      firedAt: t - 4000,
    });
    await recordStart(env, {
      sessionId: id,
      workspaceId: owner.workspaceId,
      kind: "wake",
      ok: true,
      startedAt: t - 3990,
      finishedAt: t,
      phases: {},
    });
    const intentRow = await env.DB.prepare("SELECT ready_at FROM session_intents WHERE id = 'int_a'").first<{ ready_at: number }>();
    expect(intentRow?.ready_at).toBe(t);
    await markIntentsConnected(db, id, t - 1000, t - 4000);

    const stats = await startLatencyStats(env, t - 24 * 3600 * 1000, { sessionId: id });
    expect(stats.start).toEqual({ count: 4, failed: 1, p50Ms: 2000, p95Ms: 4000 });
    expect(stats.wake).toEqual({ count: 3, failed: 0, p50Ms: 700, p95Ms: 3990 });
    expect(stats.intent).toEqual({ wakes: 1, connected: 1, medianSavedMs: 3000, totalSavedMs: 3000 });

    const res = await call("GET", `/api/sessions/${id}/latency`, { user: owner });
    const body = sessionLatencyResponse.parse(await res.json());
    expect(body.session.start.p95Ms).toBe(4000);
    expect(body.workspace.wake.count).toBe(3);
    expect(body.recent[0]).toMatchObject({ kind: "wake", ok: true, totalMs: 3990 });
    expect(body.recent.find((r) => r.totalMs === 1000)?.phases).toEqual({ provisioning: 500, bootstrapping: 500 });
    const stranger = await createTestUser();
    expect((await call("GET", `/api/sessions/${id}/latency`, { user: stranger })).status).toBe(404);
  });

  it("publishes the last day's figures in the operators' report", async () => {
    const owner = await createTestUser();
    const id = await session(owner, "reported");
    const t = Date.now();
    for (const ms of [100, 200, 300]) {
      await recordStart(env, {
        sessionId: id,
        workspaceId: owner.workspaceId,
        kind: "wake",
        ok: true,
        startedAt: t - ms,
        finishedAt: t,
        phases: {},
      });
    }
    const operator = await operatorUser();
    const res = await call("GET", "/api/admin/report", { user: operator });
    expect(res.status).toBe(200);
    const report = adminReportSchema.parse(await res.json());
    expect(report.startLatency.wake.count).toBeGreaterThanOrEqual(3);
    expect(report.startLatency.wake.p95Ms).not.toBeNull();
    expect(Date.parse(report.startLatency.since)).toBeLessThanOrEqual(t - 24 * 3600 * 1000 + 60_000);
  });

  it("stamps the user's connect on the intents waiting for it, once", async () => {
    const owner = await createTestUser();
    const id = await session(owner, "connect");
    const t = Date.now();
    const fired = { userId: owner.userId, workspaceId: owner.workspaceId, sessionId: id, surface: "cli" };
    await insertWakingIntent(dbOf(env), { ...fired, id: "int_c", firedAt: t - 1000 });
    await insertWakingIntent(dbOf(env), { ...fired, id: "int_old", firedAt: t - 3600_000 });
    await noteSessionConnect(env, id);
    const first = await env.DB.prepare("SELECT id, connected_at FROM session_intents WHERE session_id = ? ORDER BY id")
      .bind(id)
      .all<{ id: string; connected_at: number | null }>();
    const connectedAt = first.results.find((r) => r.id === "int_c")?.connected_at;
    expect(connectedAt).toBeGreaterThanOrEqual(t);
    expect(first.results.find((r) => r.id === "int_old")?.connected_at).toBeNull();
    await noteSessionConnect(env, id);
    const again = await env.DB.prepare("SELECT connected_at FROM session_intents WHERE id = 'int_c'").first<{ connected_at: number }>();
    expect(again?.connected_at).toBe(connectedAt);
  });
});
