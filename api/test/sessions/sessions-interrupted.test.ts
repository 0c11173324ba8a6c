import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sessionResponse } from "@burstflare/sdk/schemas/sessions";
import { describe, expect, it } from "vitest";
import type { SessionDO } from "../../src/durable-objects/session";
import { type LifecycleRecord, RECORD_KEY } from "../../src/sessions/core";
import { call, createTestUser } from "../helpers/users";

/**
 * A Durable Object evicted (or a Worker redeployed) in the middle of a start leaves `starting`
 * in storage with nothing running it. The next instance must finish the transition by itself.
 */
describe("session DO: interrupted transitions", () => {
  it("a fresh instance finishes a start that its predecessor left in `starting`", async () => {
    const user = await createTestUser();
    const created = await call("POST", "/api/sessions", { user, body: { name: "cut-short", start: false } });
    const session = sessionResponse.parse(await created.json()).session;
    const stub = env.SESSION.get(env.SESSION.idFromName(session.id)) as DurableObjectStub<SessionDO>;

    // Make the DO write its record, then pretend the instance died right after entering `starting`.
    await call("GET", `/api/sessions/${session.id}`, { user });
    await runInDurableObject(stub, async (_instance, state) => {
      const record = await state.storage.get<LifecycleRecord>(RECORD_KEY);
      expect(record).toBeDefined();
      await state.storage.put(RECORD_KEY, { ...record, state: "starting", lastLifecyclePhase: "provisioning", stateVersion: 1 });
      await state.storage.deleteAlarm();
    });
    await evictDurableObject(stub);

    // The new instance's constructor notices and schedules the alarm that resumes the start.
    await runInDurableObject(stub, async (_instance, state) => {
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    const after = sessionResponse.parse(await (await call("GET", `/api/sessions/${session.id}`, { user })).json()).session;
    expect(after.state).toBe("running");
    expect(after.lastLifecyclePhase).toBe("ready");
    await call("DELETE", `/api/sessions/${session.id}`, { user });
  });
});
