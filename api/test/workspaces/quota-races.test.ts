import { env } from "cloudflare:workers";
import type { ErrorBody } from "@burstflare/sdk/errors";
import { sessionListResponse } from "@burstflare/sdk/schemas/sessions";
import { PLAN_LIMITS } from "@burstflare/sdk/schemas/workspaces";
import { describe, expect, it } from "vitest";
import { dbOf } from "../../src/lib/db";
import { claimRunning, getSessionById, releaseRunning } from "../../src/sessions/records";
import { saveQuotaOverrides } from "../../src/workspaces/quotas-repo";
import { call, createTestUser } from "../helpers/users";

/**
 * Limits that a count before the write cannot hold: parallel requests all count the same number,
 * then all write. Every one here is fired at once, as a script of an ordinary account would.
 */
describe("quotas under parallel requests", () => {
  it("creates stop at the workspace's session limit however many arrive at once", async () => {
    const owner = await createTestUser();
    const max = PLAN_LIMITS.free.totalSessions;
    const answers = await Promise.all(
      Array.from({ length: max + 7 }, (_, i) => call("POST", "/api/sessions", { user: owner, body: { name: `burst-${i}`, start: false } })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(max);
    expect(statuses.filter((s) => s === 403)).toHaveLength(7);
    const refused = (await answers.find((r) => r.status === 403)!.json()) as ErrorBody;
    expect(refused.error).toMatchObject({ code: "quota_exceeded", details: { limit: "totalSessions", max, current: max } });
    const list = sessionListResponse.parse(await (await call("GET", "/api/sessions?limit=50", { user: owner })).json());
    expect(list.sessions).toHaveLength(max);
  });

  it("starts claim a running slot in one statement: two of five at once on the free plan", async () => {
    const owner = await createTestUser();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call("POST", "/api/sessions", { user: owner, body: { name: `slot-${i}`, start: false } });
      ids.push(((await res.json()) as { session: { id: string } }).session.id);
    }
    const claims = await Promise.allSettled(ids.map((sessionId) => claimRunning(env, { sessionId, workspaceId: owner.workspaceId })));
    const won = ids.filter((_, i) => claims[i]!.status === "fulfilled");
    expect(won).toHaveLength(PLAN_LIMITS.free.runningSessions);
    for (const c of claims.filter((c) => c.status === "rejected"))
      expect((c as PromiseRejectedResult).reason).toMatchObject({ code: "quota_exceeded", details: { limit: "runningSessions" } });
    const starting = async () =>
      (await Promise.all(ids.map(async (id) => (await getSessionById(env, id))!.state))).filter((s) => s === "starting");
    expect(await starting()).toHaveLength(2);

    // A start that ended before the session recorded anything gives its slot back, and only then.
    const [first] = won;
    await releaseRunning(env, { sessionId: first!, state: "created", stateVersion: 1 });
    expect((await getSessionById(env, first!))!.state).toBe("starting");
    await releaseRunning(env, { sessionId: first!, state: "created", stateVersion: 0 });
    expect((await getSessionById(env, first!))!.state).toBe("created");
    const loser = ids.find((id) => !won.includes(id))!;
    await expect(claimRunning(env, { sessionId: loser, workspaceId: owner.workspaceId })).resolves.toBeUndefined();
    expect(await starting()).toHaveLength(2);
  });

  it("a wake (here by exec) that finds no free slot answers the quota with its details, not runtime_unavailable", async () => {
    const owner = await createTestUser();
    const res = await call("POST", "/api/sessions", { user: owner, body: { name: "asleep", start: false } });
    const { session } = (await res.json()) as { session: { id: string } };
    await saveQuotaOverrides(dbOf(env), owner.workspaceId, [{ limitName: "runningSessions", value: 0 }], "test", Date.now());
    const exec = await call("POST", `/api/sessions/${session.id}/exec`, { user: owner, body: { command: "true" } });
    expect(exec.status).toBe(403);
    expect(((await exec.json()) as ErrorBody).error).toMatchObject({
      code: "quota_exceeded",
      details: { limit: "runningSessions", max: 0, current: 0 },
    });
    expect((await getSessionById(env, session.id))!.state).toBe("created");
  });
});
