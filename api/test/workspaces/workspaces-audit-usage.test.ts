import { env } from "cloudflare:workers";
import { auditPageSchema, PLAN_LIMITS, usageSchema } from "@burstflare/sdk/schemas/workspaces";
import { describe, expect, it } from "vitest";
import { writeAudit } from "../../src/lib/audit";
import { dbOf } from "../../src/lib/db";
import { insertAudit } from "../../src/workspaces/audit-repo";
import { recordUsage } from "../../src/workspaces/usage";
import { call, createTestUser } from "../helpers/users";

const DAY = 86_400_000;

describe("GET /api/audit", () => {
  it("filters by action prefix, actor, target and time, and pages with a cursor without gaps or repeats", async () => {
    const owner = await createTestUser();
    const admin = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    const other = await createTestUser();
    const base = Date.now() - 1000 * DAY;
    // 25 entries, some sharing a timestamp so the cursor's id tie-break matters.
    for (let i = 0; i < 25; i++) {
      await insertAudit(dbOf(env), {
        id: `aud_t${String(i).padStart(2, "0")}`,
        workspaceId: owner.workspaceId,
        actorId: i % 2 === 0 ? owner.userId : admin.userId,
        action: i % 3 === 0 ? "session.start" : i % 3 === 1 ? "session.stop" : "template.promote",
        targetType: i % 3 === 2 ? "template" : "session",
        targetId: i % 3 === 2 ? "tpl_1" : `ses_${i % 4}`,
        details: { i },
        createdAt: base + Math.floor(i / 2) * 1000,
      });
    }
    await writeAudit(env, { workspaceId: other.workspaceId, actorId: other.userId, action: "session.start" });

    const get = async (q: string) => {
      const res = await call("GET", `/api/audit?${q}`, { user: owner });
      expect(res.status, q).toBe(200);
      return auditPageSchema.parse(await res.json());
    };

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await get(`limit=7&until=${base + DAY}${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `aud_t${String(24 - i).padStart(2, "0")}`));

    const sessions = await get("action=session.&limit=200");
    expect(sessions.entries.length).toBeGreaterThan(0);
    expect(sessions.entries.every((e) => e.action.startsWith("session."))).toBe(true);
    expect((await get("action=session.start&limit=200")).entries.filter((e) => e.id.startsWith("aud_t"))).toHaveLength(9);
    // LIKE wildcards in the filter are literal.
    expect((await get("action=%25")).entries).toHaveLength(0);

    const byAdmin = await get(`actor=${admin.userId}&limit=200`);
    expect(byAdmin.entries).toHaveLength(12);
    expect(byAdmin.entries[0]).toMatchObject({ actorId: admin.userId, actorEmail: admin.email });

    expect((await get("target=tpl_1&limit=200")).entries).toHaveLength(8);
    expect((await get("target=template&limit=200")).entries).toHaveLength(8);

    const window = await get(`since=${base + 2000}&until=${base + 4000}`);
    expect(window.entries.map((e) => e.id)).toEqual(["aud_t07", "aud_t06", "aud_t05", "aud_t04"]);
    expect(window.entries[0]?.details).toEqual({ i: 7 });

    // Another workspace's entries never show.
    expect((await get("limit=200")).entries.every((e) => e.workspaceId === owner.workspaceId)).toBe(true);
  });

  it("rejects bad filters with 400 and is closed to members and viewers", async () => {
    const owner = await createTestUser();
    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    for (const q of ["limit=0", "limit=999", "since=yesterday", "cursor=%21%21%21", "actor=a%20b"]) {
      const res = await call("GET", `/api/audit?${q}`, { user: owner });
      expect(res.status, q).toBe(400);
    }
    expect((await call("GET", "/api/audit", { user: member })).status).toBe(403);
  });

  it("records workspace actions with actor, workspace, target and details", async () => {
    const owner = await createTestUser();
    await call("PATCH", "/api/workspaces/current/settings", { user: owner, body: { name: "Renamed" } });
    const page = auditPageSchema.parse(await (await call("GET", "/api/audit?action=workspace.", { user: owner })).json());
    expect(page.entries[0]).toMatchObject({
      action: "workspace.rename",
      actorId: owner.userId,
      workspaceId: owner.workspaceId,
      targetType: "workspace",
      targetId: owner.workspaceId,
      details: { to: "Renamed" },
    });
    expect(page.entries[0]?.requestId).toBeTruthy();
  });
});

describe("usage", () => {
  it("recordUsage adds flows and sets the storage gauge", async () => {
    const u = await createTestUser();
    const at = Date.UTC(2026, 10, 1, 12);
    await recordUsage(env, { workspaceId: u.workspaceId, userId: u.userId, metric: "runtime_seconds", value: 30, at });
    await recordUsage(env, { workspaceId: u.workspaceId, userId: u.userId, metric: "runtime_seconds", value: 12.4, at });
    await recordUsage(env, { workspaceId: u.workspaceId, userId: u.userId, metric: "snapshot_bytes", value: 500, at });
    await recordUsage(env, { workspaceId: u.workspaceId, userId: u.userId, metric: "snapshot_bytes", value: 300, at });
    const rows = await env.DB.prepare("SELECT metric, day, value FROM usage_daily WHERE workspace_id = ? ORDER BY metric")
      .bind(u.workspaceId)
      .all();
    expect(rows.results).toEqual([
      { metric: "runtime_seconds", day: "2026-11-01", value: 42 },
      { metric: "snapshot_bytes", day: "2026-11-01", value: 300 },
    ]);
  });

  it("GET /api/usage rolls up per day and per user, carries storage forward, and shows the quota", async () => {
    const owner = await createTestUser();
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const t = Date.now();
    const ws = owner.workspaceId;
    await recordUsage(env, { workspaceId: ws, userId: owner.userId, metric: "snapshot_bytes", value: 1000, at: t - 40 * DAY });
    await recordUsage(env, { workspaceId: ws, userId: owner.userId, metric: "runtime_seconds", value: 600, at: t - 2 * DAY });
    await recordUsage(env, { workspaceId: ws, userId: viewer.userId, metric: "runtime_seconds", value: 60, at: t - 2 * DAY });
    await recordUsage(env, { workspaceId: ws, userId: viewer.userId, metric: "build_seconds", value: 90, at: t - DAY });
    await recordUsage(env, { workspaceId: ws, userId: viewer.userId, metric: "snapshot_bytes", value: 5000, at: t - DAY });
    await recordUsage(env, { workspaceId: ws, userId: owner.userId, metric: "runtime_seconds", value: 5, at: t - 60 * DAY });

    const res = await call("GET", "/api/usage?days=7", { user: viewer });
    expect(res.status).toBe(200);
    const usage = usageSchema.parse(await res.json());
    expect(usage.daily).toHaveLength(7);
    expect(usage.to).toBe(new Date(t).toISOString().slice(0, 10));
    const byDay = Object.fromEntries(usage.daily.map((d) => [d.day, d]));
    const d2 = new Date(t - 2 * DAY).toISOString().slice(0, 10);
    const d1 = new Date(t - DAY).toISOString().slice(0, 10);
    expect(byDay[d2]).toMatchObject({ runtime_seconds: 660, build_seconds: 0, snapshot_bytes: 1000 });
    expect(byDay[d1]).toMatchObject({ runtime_seconds: 0, build_seconds: 90, snapshot_bytes: 6000 });
    expect(usage.daily[0]?.snapshot_bytes).toBe(1000);
    expect(usage.totals).toEqual({ runtime_seconds: 660, build_seconds: 90, snapshot_bytes: 6000 });
    const row = (day: string, userId: string) => usage.byUser.find((r) => r.day === day && r.userId === userId);
    expect(usage.byUser).toHaveLength(3);
    expect(row(d2, owner.userId)).toEqual({
      day: d2,
      userId: owner.userId,
      email: owner.email,
      runtime_seconds: 600,
      build_seconds: 0,
      snapshot_bytes: 0,
    });
    expect(row(d2, viewer.userId)).toMatchObject({ runtime_seconds: 60 });
    expect(row(d1, viewer.userId)).toEqual({
      day: d1,
      userId: viewer.userId,
      email: viewer.email,
      runtime_seconds: 0,
      build_seconds: 90,
      snapshot_bytes: 5000,
    });
    expect(usage.limits).toEqual(PLAN_LIMITS.free);
    expect((await call("GET", "/api/usage?days=0", { user: owner })).status).toBe(400);
    expect((await call("GET", "/api/usage?days=1000", { user: owner })).status).toBe(400);
  });
});
