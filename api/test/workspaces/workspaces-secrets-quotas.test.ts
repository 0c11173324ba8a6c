import { env } from "cloudflare:workers";
import { ApiError, type ErrorBody } from "@burstflare/sdk/errors";
import { PLAN_LIMITS, planSchema, secretListSchema } from "@burstflare/sdk/schemas/workspaces";
import { describe, expect, it } from "vitest";
import { seedSessions } from "../../src/admin/seed";
import { assertQuota, getLimits } from "../../src/workspaces/quotas";
import { secretsEnvFor } from "../../src/workspaces/secrets";
import { recordUsage } from "../../src/workspaces/usage";
import { countRows } from "../helpers/db";
import { createOperator } from "../helpers/operator";
import { insertReadySnapshot, insertTestSession } from "../helpers/snapshots";
import { createTemplate } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

const putSecret = (user: TestUser, name: string, value: string) =>
  call("PUT", "/api/workspaces/current/secrets", { user, body: { name, value } });

describe("secrets", () => {
  it("stores ciphertext, never returns values, and delivers plaintext through secretsEnvFor", async () => {
    const owner = await createTestUser();
    const value = "s3cr3t-value-that-must-not-leak";
    expect((await putSecret(owner, "DATABASE_URL", value)).status).toBe(200);
    expect((await putSecret(owner, "API_KEY", "k1")).status).toBe(200);

    const row = await env.DB.prepare("SELECT ciphertext, iv FROM workspace_secrets WHERE workspace_id = ? AND name = 'DATABASE_URL'")
      .bind(owner.workspaceId)
      .first<{ ciphertext: string; iv: string }>();
    expect(row?.ciphertext).toBeTruthy();
    expect(row?.ciphertext).not.toContain(value);
    expect(atob(row?.ciphertext.replace(/-/g, "+").replace(/_/g, "/") ?? "")).not.toContain(value);

    const listRes = await call("GET", "/api/workspaces/current/secrets", { user: owner });
    const text = await listRes.text();
    expect(text).not.toContain(value);
    const list = secretListSchema.parse(JSON.parse(text));
    expect(list.secrets.map((s) => s.name)).toEqual(["API_KEY", "DATABASE_URL"]);
    expect(Object.keys(list.secrets[0] ?? {}).sort()).toEqual(["createdAt", "name", "updatedAt"]);

    expect(await secretsEnvFor(env, owner.workspaceId)).toEqual({ API_KEY: "k1", DATABASE_URL: value });

    // Overwrite keeps one row and a fresh IV; delete removes it.
    expect((await putSecret(owner, "API_KEY", "k2")).status).toBe(200);
    const ivs = await env.DB.prepare("SELECT iv FROM workspace_secrets WHERE workspace_id = ? AND name = 'API_KEY'")
      .bind(owner.workspaceId)
      .all();
    expect(ivs.results).toHaveLength(1);
    expect((await secretsEnvFor(env, owner.workspaceId)).API_KEY).toBe("k2");
    expect((await call("DELETE", "/api/workspaces/current/secrets/API_KEY", { user: owner })).status).toBe(200);
    expect((await call("DELETE", "/api/workspaces/current/secrets/API_KEY", { user: owner })).status).toBe(404);
    expect(await secretsEnvFor(env, owner.workspaceId)).toEqual({ DATABASE_URL: value });

    const actions = await env.DB.prepare(
      "SELECT action, target_id, details FROM audit_log WHERE workspace_id = ? AND action LIKE 'secret.%' ORDER BY created_at",
    )
      .bind(owner.workspaceId)
      .all<{ action: string; target_id: string; details: string | null }>();
    expect(actions.results.map((r) => `${r.action} ${r.target_id}`)).toEqual([
      "secret.create DATABASE_URL",
      "secret.create API_KEY",
      "secret.update API_KEY",
      "secret.delete API_KEY",
    ]);
    expect(JSON.stringify(actions.results)).not.toContain(value);
  });

  it("a ciphertext moved to another name or workspace does not decrypt", async () => {
    const a = await createTestUser();
    const b = await createTestUser();
    await putSecret(a, "TOKEN", "alpha");
    // fixture-sql: tampering: a sealed row copied to another workspace, which no route can do
    await env.DB.prepare(
      "INSERT INTO workspace_secrets (id, workspace_id, name, ciphertext, iv, created_at, updated_at) SELECT 'sec_moved', ?, 'TOKEN', ciphertext, iv, created_at, updated_at FROM workspace_secrets WHERE workspace_id = ?",
    )
      .bind(b.workspaceId, a.workspaceId)
      .run();
    await expect(secretsEnvFor(env, b.workspaceId)).rejects.toMatchObject({ code: "internal", message: expect.stringContaining("TOKEN") });
  });

  it("rejects names that are not environment variable names and oversized values", async () => {
    const owner = await createTestUser();
    for (const name of ["1ABC", "A-B", "A B", "", "../x", "X".repeat(129)]) {
      const res = await putSecret(owner, name, "v");
      expect(res.status, name).toBe(400);
    }
    expect((await putSecret(owner, "BIG", "x".repeat(32 * 1024 + 1))).status).toBe(400);
    expect((await call("GET", "/api/workspaces/current/secrets", { user: owner }).then((r) => r.json())) as unknown).toEqual({
      secrets: [],
    });
  });
});

let operatorUser: Promise<TestUser> | undefined;
/** One operator per file: emails are unique and storage is shared between the tests of a file. */
const operator = () => {
  operatorUser ??= createOperator();
  return operatorUser;
};

/** `n` running session rows (no runtime behind them), as operator seeding makes bulk sessions. */
async function seedRunning(workspaceId: string, ownerId: string, n: number): Promise<void> {
  await seedSessions(env, { workspaceId, ownerId, count: n, namePrefix: "q", states: ["running"] });
}

describe("plans and quotas", () => {
  it("refuses the (N+1)th running session with quota_exceeded naming the limit; an operator override lifts it", async () => {
    const owner = await createTestUser();
    const max = PLAN_LIMITS.free.runningSessions;
    await seedRunning(owner.workspaceId, owner.userId, max);

    const err = await assertQuota(env, owner.workspaceId, "runningSessions").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "quota_exceeded", status: 403, details: { limit: "runningSessions", max, current: max } });
    expect((err as ApiError).message).toContain("runningSessions");
    expect((err as ApiError).message).toContain(String(max));

    const op = await operator();
    const notOperator = await call("PUT", `/api/admin/workspaces/${owner.workspaceId}/quota-overrides`, {
      user: owner,
      body: { overrides: { runningSessions: max + 1 } },
    });
    expect(notOperator.status).toBe(403);
    const lifted = await call("PUT", `/api/admin/workspaces/${owner.workspaceId}/quota-overrides`, {
      user: op,
      body: { overrides: { runningSessions: max + 1 } },
    });
    expect(lifted.status).toBe(200);
    expect(planSchema.parse(await lifted.json())).toMatchObject({
      limits: { runningSessions: max + 1 },
      overrides: { runningSessions: max + 1 },
      usage: { runningSessions: max },
    });
    await expect(assertQuota(env, owner.workspaceId, "runningSessions")).resolves.toBeUndefined();

    // Clearing the override restores the plan limit.
    await call("PUT", `/api/admin/workspaces/${owner.workspaceId}/quota-overrides`, {
      user: op,
      body: { overrides: { runningSessions: null } },
    });
    expect((await getLimits(env, owner.workspaceId)).runningSessions).toBe(max);
    expect(await countRows("audit_log", "workspace_id = ? AND action = 'quota.override'", owner.workspaceId)).toBe(2);
  });

  it("POST /api/sessions refuses the (N+1)th running session and succeeds once an operator lifts the limit", async () => {
    const owner = await createTestUser();
    const max = PLAN_LIMITS.free.runningSessions;
    await seedRunning(owner.workspaceId, owner.userId, max);
    const refused = await call("POST", "/api/sessions", { user: owner, body: { name: "one-too-many" } });
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error).toMatchObject({ code: "quota_exceeded", details: { limit: "runningSessions", max, current: max } });
    expect(body.error.message).toContain("runningSessions");
    expect(await countRows("sessions", "workspace_id = ? AND name = 'one-too-many'", owner.workspaceId)).toBe(0);

    const op = await operator();
    const lift = await call("PUT", `/api/admin/workspaces/${owner.workspaceId}/quota-overrides`, {
      user: op,
      body: { overrides: { runningSessions: max + 1 } },
    });
    expect(lift.status).toBe(200);
    const created = await call("POST", "/api/sessions", { user: owner, body: { name: "one-too-many" } });
    expect(created.status).toBe(201);
    const { session } = (await created.json()) as { session: { id: string; state: string } };
    expect(session.state).toBe("running");
    // Now at the lifted limit: the next one is refused again, naming the new maximum.
    await expect(assertQuota(env, owner.workspaceId, "runningSessions")).rejects.toMatchObject({
      details: { max: max + 1, current: max + 1 },
    });
    await call("POST", `/api/sessions/${session.id}/stop`, { user: owner });
  });

  it("counts each limit from live rows: sessions, templates, snapshot bytes and this month's build minutes", async () => {
    const owner = await createTestUser();
    const t = Date.now();
    const session = await insertTestSession(owner.workspaceId, owner.userId, "running");
    await createTemplate(owner, "t");
    await insertReadySnapshot(owner.workspaceId, session, { bytes: new Uint8Array(1000), createdAt: t });
    await recordUsage(env, { workspaceId: owner.workspaceId, userId: owner.userId, metric: "build_seconds", value: 61, at: t });
    const plan = planSchema.parse(await (await call("GET", "/api/workspaces/current/plan", { user: owner })).json());
    expect(plan.usage).toEqual({
      runningSessions: 1,
      totalSessions: 1,
      templates: 1,
      snapshotBytes: 1000,
      buildMinutes: 2,
      activeBuilds: 0,
      templateBytes: 0,
    });
    await expect(assertQuota(env, owner.workspaceId, "snapshotBytes", PLAN_LIMITS.free.snapshotBytes - 1000)).resolves.toBeUndefined();
    await expect(assertQuota(env, owner.workspaceId, "snapshotBytes", PLAN_LIMITS.free.snapshotBytes - 999)).rejects.toMatchObject({
      code: "quota_exceeded",
      details: { limit: "snapshotBytes" },
    });
  });

  it("plan changes are operator-only (never the owner), validated, and change the limits", async () => {
    const op = await operator();
    const owner = await createTestUser();
    const admin = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    for (const user of [owner, admin]) {
      const refused = await call("PUT", "/api/workspaces/current/plan", { user, body: { plan: "pro" } });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as ErrorBody).error.code).toBe("forbidden");
    }
    const path = `/api/admin/workspaces/${owner.workspaceId}/plan`;
    expect((await call("PUT", path, { user: owner, body: { plan: "team" } })).status).toBe(403);
    expect(planSchema.parse(await (await call("GET", "/api/workspaces/current/plan", { user: owner })).json()).plan).toBe("free");
    const bad = await call("PUT", path, { user: op, body: { plan: "platinum" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.code).toBe("validation_failed");
    const res = await call("PUT", path, { user: op, body: { plan: "pro" } });
    expect(res.status).toBe(200);
    expect(planSchema.parse(await res.json())).toMatchObject({ plan: "pro", limits: PLAN_LIMITS.pro });
    expect(planSchema.parse(await (await call("GET", "/api/workspaces/current/plan", { user: owner })).json()).plan).toBe("pro");
  });

  it("the current-workspace override route is for operators only and validates limit names", async () => {
    const op = await operator();
    const owner = await createTestUser();
    expect(
      (await call("PUT", "/api/workspaces/current/quota-overrides", { user: owner, body: { overrides: { templates: 50 } } })).status,
    ).toBe(403);
    const bad = await call("PUT", "/api/workspaces/current/quota-overrides", { user: op, body: { overrides: { wings: 2 } } });
    expect(bad.status).toBe(400);
    const neg = await call("PUT", "/api/workspaces/current/quota-overrides", { user: op, body: { overrides: { templates: -1 } } });
    expect(neg.status).toBe(400);
    const ok = await call("PUT", "/api/workspaces/current/quota-overrides", { user: op, body: { overrides: { templates: 50 } } });
    expect(planSchema.parse(await ok.json()).limits.templates).toBe(50);
    expect((await call("GET", "/api/admin/workspaces/ws_nope/quota-overrides", { user: op })).status).toBe(404);
  });
});
