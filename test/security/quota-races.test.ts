import { PLAN_LIMITS } from "@burstflare/sdk/schemas/workspaces";
import { describe, expect, it } from "vitest";
import { api, createSession, getSession } from "../stack/helpers/api";
import { createStackUser } from "../stack/helpers/users";

/**
 * An ordinary account's script fires its starts at once: each session has its own Durable Object,
 * so before, every start counted the same running sessions and booted a runtime. The limit holds
 * now: the slot is claimed in the statement that marks the session starting.
 */
describe("the running-session limit under parallel starts", () => {
  it("boots exactly the plan's number of runtimes; the others answer 403 and stay as they were", async () => {
    const user = await createStackUser();
    const max = PLAN_LIMITS.free.runningSessions;
    const sessions = [];
    for (let i = 0; i <= max; i++) sessions.push(await createSession(user, { name: `race-start-${i}`, start: false }));

    const answers = await Promise.all(
      sessions.map((s) => api(user, "POST /api/sessions/{sessionId}/start", { params: { sessionId: s.id }, body: {} })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(max);
    const refused = answers.findIndex((r) => r.status === 403);
    expect(refused).toBeGreaterThanOrEqual(0);
    expect(await answers[refused]!.json()).toMatchObject({
      error: { code: "quota_exceeded", message: expect.stringContaining("runningSessions") },
    });

    const states = await Promise.all(sessions.map(async (s) => (await getSession(user, s.id)).state));
    expect(states.filter((s) => s === "running")).toHaveLength(max);
    expect(states[refused]).toBe("created");
  });
});
