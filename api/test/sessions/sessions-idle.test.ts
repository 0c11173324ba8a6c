import type { AgentHealth } from "@burstflare/sdk/protocol/runtime-host";
import { describe, expect, it } from "vitest";
import { judgeIdle, warnLeadMs } from "../../src/sessions/idle";
import { canTransition } from "../../src/sessions/state-machine";

const health = (over: Partial<AgentHealth["lastActivity"]> = {}, connections = { terminal: 0, ssh: 0, preview: 0 }): AgentHealth => ({
  ok: true,
  runtimeId: "ses_x",
  uptimeMs: 1,
  lastActivity: { terminal: null, ssh: null, preview: null, files: null, ...over },
  connections,
});

describe("idle judgement", () => {
  const t = 1_000_000_000;

  it("sleeps the idle timeout after the newest activity of any kind", () => {
    const v = judgeIdle({
      now: t,
      idleTimeoutSeconds: 60,
      readyAt: t - 500_000,
      health: health({ terminal: t - 10_000, files: t - 5_000 }),
      leases: [],
    });
    expect(v.lastActivityAt).toBe(t - 5_000);
    expect(v.sleepsAt).toBe(t - 5_000 + 60_000);
    expect(v.warnAt).toBe(v.sleepsAt - 15_000);
    expect(v.keptAwakeBy).toEqual([
      `terminal activity at ${new Date(t - 10_000).toISOString()}`,
      `files activity at ${new Date(t - 5_000).toISOString()}`,
    ]);
  });

  it("counts a fresh session as active when it became ready", () => {
    const v = judgeIdle({ now: t, idleTimeoutSeconds: 10, readyAt: t - 2_000, health: health(), leases: [] });
    expect(v.sleepsAt).toBe(t + 8_000);
    expect(v.keptAwakeBy[0]).toMatch(/^started at/);
  });

  it("holds a session awake until its longest live lease, ignoring expired ones", () => {
    const v = judgeIdle({
      now: t,
      idleTimeoutSeconds: 10,
      readyAt: t - 100_000,
      health: health(),
      leases: [
        { id: "a", until: t + 3_600_000, createdBy: "u" },
        { id: "old", until: t - 1, createdBy: "u" },
      ],
    });
    expect(v.sleepsAt).toBe(t + 3_600_000);
    expect(v.keptAwakeBy).toEqual([`keep-awake lease until ${new Date(t + 3_600_000).toISOString()}`]);
  });

  it("explains open connections and warns a minute ahead, or a quarter of short timeouts", () => {
    const v = judgeIdle({
      now: t,
      idleTimeoutSeconds: 900,
      readyAt: t,
      health: health({ ssh: t }, { terminal: 1, ssh: 2, preview: 0 }),
      leases: [],
    });
    expect(v.keptAwakeBy).toContain("1 open terminal connection(s)");
    expect(v.keptAwakeBy).toContain("2 open SSH connection(s)");
    expect(warnLeadMs(900)).toBe(60_000);
    expect(warnLeadMs(8)).toBe(2_000);
  });
});

describe("session state machine", () => {
  // Per state: where it may go next, and the shortcuts it refuses.
  it.each([
    ["created", ["starting"], ["running"]],
    ["starting", ["running"], []],
    ["running", ["sleeping", "stopping"], ["stopped"]],
    ["stopping", ["stopped"], []],
    ["sleeping", ["starting"], ["running"]],
    ["stopped", ["starting"], ["running"]],
    ["failed", ["starting"], []],
  ] as const)("follows the session state machine and refuses shortcuts: from %s to %j, not %j", (from, allowed, refused) => {
    for (const to of allowed) expect(canTransition(from, to), `${from} → ${to}`).toBe(true);
    for (const to of refused) expect(canTransition(from, to), `${from} → ${to}`).toBe(false);
  });

  it("lets any live state fail or be deleted, and nothing leave deleted", () => {
    for (const s of ["created", "starting", "running", "sleeping", "stopping", "stopped", "failed"] as const) {
      expect(canTransition(s, "failed")).toBe(true);
      expect(canTransition(s, "deleted")).toBe(true);
    }
    expect(canTransition("deleted", "starting")).toBe(false);
    expect(canTransition("deleted", "failed")).toBe(false);
  });
});
