import type { AgentHealth } from "@burstflare/sdk/protocol/runtime-host";
import type { SessionActivity } from "@burstflare/sdk/schemas/sessions";
import { MAX_KEEP_AWAKE_MINUTES } from "@burstflare/sdk/schemas/sessions";
import { boundedJSON, SMALL_ANSWER_BYTES } from "../lib/bounded-body";
import { newId } from "../lib/crypto";
import { now } from "../lib/time";
import { maybeAutosave } from "../snapshots/autosave";
import type { SessionCore } from "./core";
import { activeLeases, healthOf, type IdleInputs, judgeIdle, toActivity } from "./idle";
import { failLostRuntime, idleTimeoutSeconds, sleepSession, startSession, stopSession } from "./lifecycle";
import { getSessionById } from "./records";

const HEALTH_TIMEOUT_MS = 3000;
const MAX_TICK_MS = 30_000;
const MIN_TICK_MS = 1000;

/** The agent's own account of activity; null when it does not answer. */
async function readHealth(core: SessionCore): Promise<AgentHealth | null> {
  const info = core.current.runtime;
  if (!info) return null;
  try {
    const res = await core.fetchAgentFor(info)("/health", { method: "GET", signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      return null;
    }
    return healthOf(await boundedJSON(res, SMALL_ANSWER_BYTES), now());
  } catch {
    return null;
  }
}

/**
 * A session's manifest is fixed when it is created, so its idle timeout is read from D1 once per
 * DO instance, not on every alarm tick and every GET /api/sessions/:sessionId.
 */
const idleTimeouts = new WeakMap<SessionCore, { sessionId: string; seconds: number }>();

async function idleTimeoutOf(core: SessionCore): Promise<number> {
  const sessionId = core.current.sessionId;
  const known = idleTimeouts.get(core);
  if (known?.sessionId === sessionId) return known.seconds;
  const row = await getSessionById(core.env, sessionId);
  const seconds = idleTimeoutSeconds(row ? row.config.manifest.idleTimeoutSeconds : undefined);
  if (row) idleTimeouts.set(core, { sessionId, seconds });
  return seconds;
}

async function idleInputs(core: SessionCore, health: AgentHealth | null): Promise<IdleInputs> {
  const idleSeconds = await idleTimeoutOf(core);
  return {
    now: now(),
    idleTimeoutSeconds: idleSeconds,
    readyAt: core.current.readyAt,
    health,
    leases: core.current.leases,
  };
}

/** Checks often enough to warn and sleep on time, rarely enough to cost nothing when idle. */
function tickMs(idleSeconds: number): number {
  return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, (idleSeconds * 1000) / 4));
}

export async function scheduleCheck(core: SessionCore, at: number): Promise<void> {
  await core.storage.setAlarm(Math.max(at, now() + 200));
}

/** A running session whose agent does not answer is checked under the lifecycle lock. */
function reportLost(core: SessionCore): Promise<void> {
  return core.exclusive(() => failLostRuntime(core, "runtime agent stopped answering (process exited or crashed)"));
}

/** Periodic autosave (api/src/snapshots/autosave.ts) under the lifecycle lock; returns when it is next due. */
async function autosave(core: SessionCore): Promise<number | null> {
  return core.exclusive(async () => {
    const info = core.current.runtime;
    if (core.current.state !== "running" || !info) return null;
    try {
      const outcome = await maybeAutosave(core.env, core.ref, core.fetchAgentFor(info));
      return outcome.saved ? null : outcome.nextCheckAt;
    } catch (err) {
      await core.emit("warning", `autosave failed: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  });
}

/**
 * The DO alarm while running: detect a lost runtime, warn before an idle sleep, sleep when the
 * idle deadline passed, and schedule the next check.
 */
export async function onAlarm(core: SessionCore): Promise<void> {
  const r = await core.load();
  if ((r.state === "starting" || r.state === "stopping") && !core.busy) {
    await resumeInterrupted(core);
    return;
  }
  if (r.state !== "running" || !r.runtime) return;
  if (core.busy) {
    await scheduleCheck(core, now() + MIN_TICK_MS);
    return;
  }
  const health = await readHealth(core);
  if (!health) {
    await reportLost(core);
    if (core.current.state === "running") await scheduleCheck(core, now() + MIN_TICK_MS);
    return;
  }
  const inputs = await idleInputs(core, health);
  const verdict = judgeIdle(inputs);
  if (inputs.now >= verdict.sleepsAt) {
    const slept = await core.exclusive(() =>
      sleepSession(core, async () => {
        const again = await readHealth(core);
        return again !== null && judgeIdle({ ...inputs, now: now(), health: again }).sleepsAt <= now();
      }),
    );
    if (slept) return;
  } else if (inputs.now >= verdict.warnAt && core.current.warnedFor !== verdict.sleepsAt) {
    await core.patch({ warnedFor: verdict.sleepsAt });
    const seconds = Math.round((verdict.sleepsAt - inputs.now) / 1000);
    await core.emit("warning", `idle: sleeping in ${seconds}s unless there is activity`, { sleepsAt: verdict.sleepsAt });
  }
  const autosaveAt = await autosave(core);
  const t = now();
  const next = Math.min(
    t + tickMs(inputs.idleTimeoutSeconds),
    verdict.warnAt > t ? verdict.warnAt : Number.POSITIVE_INFINITY,
    Math.max(verdict.sleepsAt, t + MIN_TICK_MS),
    autosaveAt ?? Number.POSITIVE_INFINITY,
  );
  await scheduleCheck(core, next);
}

/**
 * A transition the previous instance of this Durable Object did not finish (evicted, or the
 * Worker redeployed mid-start): finish it, so nobody waits on `starting` forever.
 */
async function resumeInterrupted(core: SessionCore): Promise<void> {
  const state = core.current.state;
  await core.emit("warning", `resuming an interrupted ${state === "starting" ? "start" : "stop"}`);
  await core.exclusive(() => (state === "starting" ? startSession(core) : stopSession(core, { userId: null })));
  if (core.current.state === "running") await scheduleCheck(core, now() + 1000);
}

/** What keeps a running session awake and when it sleeps; probes the agent so a crash shows at once. */
export async function describeActivity(core: SessionCore): Promise<SessionActivity | null> {
  const r = core.current;
  if (r.state !== "running" || !r.runtime) return null;
  const health = await readHealth(core);
  if (!health && !core.busy) {
    await reportLost(core);
    if (core.current.state !== "running") return null;
  }
  const inputs = await idleInputs(core, health);
  return toActivity(inputs, judgeIdle(inputs));
}

/** A lease holding the session awake for `minutes` (0 releases all); bounded by MAX_KEEP_AWAKE_MINUTES. */
export async function keepAwake(core: SessionCore, minutes: number, userId: string | null): Promise<void> {
  const t = now();
  const bounded = Math.min(minutes, MAX_KEEP_AWAKE_MINUTES);
  const leases =
    minutes === 0 ? [] : [...activeLeases(core.current.leases, t), { id: newId("lease"), until: t + bounded * 60_000, createdBy: userId }];
  await core.patch({ leases, warnedFor: null });
  await core.emit("info", minutes === 0 ? "keep-awake leases released" : `kept awake for ${bounded} min`);
  if (core.current.state === "running") await scheduleCheck(core, t + MIN_TICK_MS);
}
