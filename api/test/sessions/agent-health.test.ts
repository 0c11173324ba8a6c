import { describe, expect, it } from "vitest";
import { healthOf, judgeIdle, toActivity } from "../../src/sessions/idle";

/** An agent's /health as the session's own code could answer it (it shares the agent's uid). */
const answer = (lastActivity: Record<string, unknown>, connections: Record<string, unknown> = { terminal: 0, ssh: 0, preview: 0 }) => ({
  ok: true,
  runtimeId: "ses_x",
  uptimeMs: 1,
  lastActivity: { terminal: null, ssh: null, preview: null, files: null, ...lastActivity },
  connections,
});

const activityAt = (now: number, raw: unknown) => {
  const inputs = { now, idleTimeoutSeconds: 60, readyAt: now - 1_000, health: healthOf(raw, now), leases: [] };
  return { health: inputs.health, activity: toActivity(inputs, judgeIdle(inputs)) };
};

describe("the agent's account of activity", () => {
  const t = 1_700_000_000_000;

  it("refuses times no Date can hold, which made every read of the session throw (500) and its idle check fail", () => {
    for (const bad of [1e300, -1, 8.64e15 + 1, 1.5]) {
      const { health, activity } = activityAt(t, answer({ terminal: bad }));
      expect(health).toBeNull();
      expect(activity.lastActivity.terminal).toBeNull();
    }
    expect(healthOf(answer({}, { terminal: -5, ssh: 0, preview: 0 }), t)).toBeNull();
  });

  it("counts activity claimed in the future as now: the session still sleeps one idle timeout later", () => {
    const { activity } = activityAt(t, answer({ preview: t + 365 * 24 * 3600_000 }));
    expect(activity.lastActivity.preview).toBe(new Date(t).toISOString());
    expect(activity.sleepsAt).toBe(new Date(t + 60_000).toISOString());
  });

  it("keeps an honest answer as it is", () => {
    const { activity } = activityAt(t, answer({ terminal: t - 5_000 }, { terminal: 1, ssh: 0, preview: 2 }));
    expect(activity.lastActivity.terminal).toBe(new Date(t - 5_000).toISOString());
    expect(activity.connections).toEqual({ terminal: 1, ssh: 0, preview: 2 });
  });
});
