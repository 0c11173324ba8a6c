import { ApiError } from "@burstflare/sdk/errors";
import { DEFAULT_IDLE_TIMEOUT_SECONDS } from "@burstflare/sdk/schemas/sessions";
import type { SnapshotKind } from "@burstflare/sdk/states";
import { gitSessionEnv } from "../git/credentials";
import { found } from "../lib/errors";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { startTimer } from "../metrics/start-latency";
import { latestReadySnapshot, type SnapshotRecord, saveSnapshot } from "../snapshots/store";
import { secretsEnvFor } from "../workspaces/secrets";
import { recordUsage } from "../workspaces/usage";
import { restoreAndBootstrap } from "./boot";
import type { SessionCore } from "./core";
import { keepAfterStop } from "./kept-workspace";
import { claimRunning, getSessionById, releaseRunning } from "./records";
import { secretMaskOf } from "./runtime-secrets";

export interface Actor {
  userId: string | null;
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Counts the runtime's lifetime as usage of the session's owner. */
async function recordRuntimeUsage(core: SessionCore): Promise<void> {
  const r = core.current;
  if (r.runtimeStartedAt === null) return;
  await recordUsage(core.env, {
    workspaceId: r.workspaceId,
    userId: r.ownerId,
    metric: "runtime_seconds",
    value: (now() - r.runtimeStartedAt) / 1000,
  }).catch((err) => log("warn", "runtime usage not recorded", { sessionId: r.sessionId, error: String(err) }));
  await core.patch({ runtimeStartedAt: null });
}

/** Stops whatever runtime the driver has for this session; absent is fine. */
async function teardownRuntime(core: SessionCore): Promise<void> {
  await core.driver.stop(core.current.sessionId).catch((err) => {
    log("warn", "runtime stop failed", { sessionId: core.current.sessionId, error: String(err) });
  });
  await recordRuntimeUsage(core);
  await core.patch({ runtime: null });
}

/** Best effort: an agent without the route (404) or a slow shell only costs the kept workspace. */
async function endShells(core: SessionCore, info: NonNullable<SessionCore["current"]["runtime"]>): Promise<void> {
  try {
    const res = await core.fetchAgentFor(info)("/terminals/end-all", { method: "POST" });
    await res.body?.cancel().catch(() => {});
  } catch (err) {
    log("warn", "ending shells before the flush failed", { sessionId: core.current.sessionId, error: String(err) });
  }
}

/** Saves the persisted paths to R2 while the runtime is still up. */
async function flush(core: SessionCore, kind: SnapshotKind, actor: Actor): Promise<SnapshotRecord> {
  const info = core.current.runtime;
  if (!info) throw new ApiError("runtime_unavailable", "no runtime to flush");
  // The runtime stops right after this flush; its shells end first, so what they write on exit
  // (history) is in the snapshot and the folder the host keeps equals it (kept-workspace.ts).
  await endShells(core, info);
  // Stop and sleep flushes ship only what changed since the restore point (see snapshots/chain.ts).
  return saveSnapshot(core.env, {
    session: core.ref,
    kind,
    createdBy: actor.userId,
    fetchAgent: core.fetchAgentFor(info),
    incremental: true,
  });
}

/**
 * Boots a runtime: provisioning → restoring_artifact → restoring_snapshot → bootstrapping → ready.
 * Any failure tears the runtime down and leaves the session `failed` with the reason.
 */
async function boot(core: SessionCore): Promise<void> {
  const r = core.current;
  // Start/wake latency by phase; recorded off the user's path.
  const timer = startTimer(r.state);
  const measured = { sessionId: r.sessionId, workspaceId: r.workspaceId };
  timer.mark("provisioning");
  const row = found(await getSessionById(core.env, r.sessionId), "session");
  const config = row.config;
  await core.apply({ state: "starting", phase: "provisioning", fields: { runtimeStatus: "provisioning", runtimeState: null } });
  // Boot messages (clone and bootstrap output in warnings, a failure's reason) are session events
  // every viewer reads: they carry no secret value of the runtime's environment.
  let mask = secretMaskOf({}, {});
  try {
    const secrets = await secretsEnvFor(core.env, r.workspaceId);
    // The owner's git token, offered by a credential helper (api/src/git/credentials.ts).
    const git = await gitSessionEnv(core.env, row.ownerId, r.workspaceId);
    mask = secretMaskOf(secrets, git);
    // One runtime per session: whatever an earlier, interrupted start left behind goes first.
    await core.driver.stop(r.sessionId).catch(() => {});
    // A driver that keeps disk may hand back the folder its last stop sealed for this very restore
    // point (kept-workspace.ts); then neither the artifact nor the snapshot is unpacked again. Not
    // for a template without a build: its bundle is unpacked over the whole workspace, not only the
    // persisted paths, and the kept folder holds only those.
    const bundleOnly = config.bundleKey !== null && !config.artifactKey;
    const point = core.driver.keep && !bundleOnly ? await latestReadySnapshot(core.env, r.sessionId) : null;
    const info = await core.driver.start({
      runtimeId: r.sessionId,
      env: {
        ...config.manifest.env,
        ...secrets,
        ...git,
        BURSTFLARE_SESSION_ID: r.sessionId,
        BURSTFLARE_SESSION_NAME: row.name,
        BURSTFLARE_WORKSPACE_ID: r.workspaceId,
        BURSTFLARE_APP_ORIGIN: core.env.APP_ORIGIN ?? "",
      },
      persistedPaths: config.manifest.persistedPaths,
      previewPort: config.manifest.previewPort,
      resourceClass: config.manifest.resourceClass,
      fresh: true,
      ...(point ? { reuse: { snapshotId: point.id } } : {}),
    });
    const kept = point !== null && info.reusedWorkspace === point.id;
    if (kept) timer.mark("kept_workspace");
    await core.patch({ runtime: info, runtimeStartedAt: now(), runtimeState: `${core.driver.name} pid ${info.pid}` });
    await restoreAndBootstrap({
      env: core.env,
      session: core.ref,
      config,
      fetchAgent: core.fetchAgentFor(info),
      phase: async (phase, message) => {
        timer.mark(phase);
        await core.apply({ phase, message: message === undefined ? undefined : mask.apply(message), fields: { runtimeStatus: phase } });
      },
      warn: (message) => core.emit("warning", mask.apply(message)),
      mask,
      kept,
    });
    const t = now();
    await core.apply({
      state: "running",
      phase: "ready",
      fields: { runtimeStatus: "healthy", readyAt: t, lastBootstrapAt: t, lastActiveAt: t, warnedFor: null },
    });
    void timer.finish(core.env, measured, true);
  } catch (err) {
    log("error", "session start failed", {
      sessionId: r.sessionId,
      workspaceId: r.workspaceId,
      phase: core.current.lastLifecyclePhase,
      reason: errorMessage(err),
    });
    await teardownRuntime(core);
    const reason = mask.apply(errorMessage(err));
    await core.apply({ state: "failed", message: `start failed: ${reason}`, fields: { runtimeStatus: "none" } });
    void timer.finish(core.env, measured, false);
    throw err instanceof ApiError ? err : new ApiError("runtime_unavailable", `start failed: ${reason}`);
  }
}

export function idleTimeoutSeconds(manifestIdle: number | undefined): number {
  return manifestIdle ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
}

/** Start (or wake) the session; a running session is left as it is. */
export async function startSession(core: SessionCore): Promise<void> {
  const r = core.current;
  if (r.state === "deleted") throw new ApiError("invalid_state", "session is deleted");
  if (r.state === "running" && r.runtime) return;
  if (r.state === "failed" || r.state === "starting" || r.state === "stopping") await teardownRuntime(core);
  await claimRunning(core.env, r);
  const claimed = core.current;
  try {
    await boot(core);
  } catch (err) {
    // Once boot recorded `starting`, its own transitions (failed, …) replaced the claim. The boot's
    // error is the one to report, whatever the release meets.
    await releaseRunning(core.env, claimed).catch((releaseErr: unknown) =>
      log("error", "running slot not given back", { sessionId: claimed.sessionId, error: String(releaseErr) }),
    );
    throw err;
  }
}

/**
 * Flush, then stop. A flush that fails while the runtime is still up aborts the stop (the
 * session stays running, nothing is lost); with the runtime already gone the session fails.
 */
async function stopRunning(core: SessionCore, actor: Actor, kind: SnapshotKind): Promise<void> {
  await core.apply({ state: "stopping", phase: "flushing", fields: { runtimeStatus: "flushing" } });
  let saved: SnapshotRecord;
  try {
    saved = await flush(core, kind, actor);
  } catch (err) {
    const alive = await core.driver.get(core.current.sessionId).catch(() => null);
    log("error", "session stop flush failed", {
      sessionId: core.current.sessionId,
      workspaceId: core.current.workspaceId,
      phase: "flushing",
      runtimeAlive: alive !== null,
      reason: errorMessage(err),
    });
    if (alive) {
      await core.apply({
        state: "running",
        phase: "ready",
        message: `stop aborted, snapshot failed: ${errorMessage(err)}`,
        fields: { runtimeStatus: "healthy" },
      });
      throw new ApiError("runtime_unavailable", `could not save the workspace, session left running: ${errorMessage(err)}`);
    }
    await teardownRuntime(core);
    await core.apply({ state: "failed", message: `runtime lost while stopping: ${errorMessage(err)}`, fields: { runtimeStatus: "lost" } });
    throw new ApiError("runtime_unavailable", `runtime lost while stopping: ${errorMessage(err)}`);
  }
  await teardownRuntime(core);
  await keepAfterStop(core, saved);
  await core.apply({ state: "stopped", phase: "stopped", fields: { runtimeStatus: "stopped", runtimeState: null, leases: [] } });
}

export async function stopSession(core: SessionCore, actor: Actor): Promise<void> {
  const r = core.current;
  switch (r.state) {
    case "deleted":
      throw new ApiError("invalid_state", "session is deleted");
    case "created":
    case "stopped":
      return;
    case "running":
      return stopRunning(core, actor, "stop");
    default:
      // sleeping (already flushed), failed, or a start/stop a crash interrupted.
      await teardownRuntime(core);
      if (r.state !== "stopping") await core.apply({ state: "stopping", phase: "stopped" });
      await core.apply({ state: "stopped", phase: "stopped", fields: { runtimeStatus: "stopped", runtimeState: null, leases: [] } });
  }
}

export async function restartSession(core: SessionCore, actor: Actor): Promise<void> {
  if (core.current.state === "running") await stopRunning(core, actor, "stop");
  await startSession(core);
}

/** How long a delete waits for lifecycle work in flight before it ends the runtime that work waits on. */
const DELETE_GRACE_MS = 10_000;

/**
 * Before a delete queues: work in flight (a start, a stop's or an autosave's snapshot) gets a short
 * grace, then the runtime it waits on is stopped, so that work fails and the delete runs. A hijacked
 * agent (the containers driver's shells are root, beside it) can accept a snapshot and never finish
 * it; every lifecycle call queued behind it waited too, and the session could not be deleted.
 */
export async function endStalledWork(core: SessionCore, graceMs = DELETE_GRACE_MS): Promise<void> {
  if (!core.busy) return;
  const drained = core.exclusive(async () => true);
  const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs));
  if (await Promise.race([drained, timer])) return;
  log("warn", "delete ends a runtime whose lifecycle work did not finish", { sessionId: core.current.sessionId });
  await core.driver.stop(core.current.sessionId).catch(() => {});
}

/** Deletes the session; a running one is flushed first (best effort) so a later undelete can restore it. */
export async function deleteSession(core: SessionCore, actor: Actor): Promise<void> {
  const r = core.current;
  if (r.state === "deleted") return;
  if (r.state === "running" && r.runtime) {
    await flush(core, "stop", actor).catch((err) => core.emit("warning", `final snapshot failed: ${errorMessage(err)}`));
  }
  await teardownRuntime(core);
  await core.driver
    .discard?.(r.sessionId)
    .catch((err) => log("warn", "kept workspace not discarded", { sessionId: r.sessionId, error: String(err) }));
  await core.apply({ state: "deleted", phase: "stopped", fields: { runtimeStatus: "none", runtimeState: null, leases: [] } });
}

/**
 * Operator restore of a deleted session inside the retention window: back to `stopped`, so its
 * next start restores its latest snapshot. Its runtime was torn down on delete.
 */
export async function undeleteSession(core: SessionCore): Promise<void> {
  if (core.current.state !== "deleted") return;
  await core.apply({
    state: "stopped",
    phase: "stopped",
    message: "restored by an operator",
    operatorRestore: true,
    fields: { runtimeStatus: "stopped", runtimeState: null },
  });
}

/**
 * Idle sleep: flush, re-check that nothing happened meanwhile, stop the runtime. A failed
 * flush keeps the session running and is retried on the next check.
 */
export async function sleepSession(core: SessionCore, stillIdle: () => Promise<boolean>): Promise<boolean> {
  const r = core.current;
  if (r.state !== "running" || !r.runtime) return false;
  await core.apply({ phase: "flushing", fields: { runtimeStatus: "flushing" } });
  let saved: SnapshotRecord;
  try {
    saved = await flush(core, "sleep", { userId: null });
  } catch (err) {
    log("warn", "session sleep postponed: flush failed", {
      sessionId: r.sessionId,
      workspaceId: r.workspaceId,
      phase: "flushing",
      reason: errorMessage(err),
    });
    await core.apply({
      phase: "ready",
      message: `sleep postponed, snapshot failed: ${errorMessage(err)}`,
      fields: { runtimeStatus: "healthy" },
    });
    return false;
  }
  if (!(await stillIdle())) {
    await core.apply({ phase: "ready", message: "sleep cancelled: activity during flush", fields: { runtimeStatus: "healthy" } });
    return false;
  }
  await teardownRuntime(core);
  await keepAfterStop(core, saved);
  await core.apply({ state: "sleeping", phase: "stopped", fields: { runtimeStatus: "stopped", runtimeState: null, warnedFor: null } });
  return true;
}

/** The agent went away under a running session: failed, with the reason; restart recovers. */
export async function failLostRuntime(core: SessionCore, reason: string): Promise<void> {
  const r = core.current;
  if (r.state !== "running" || !r.runtime) return;
  const alive = await core.driver.get(r.sessionId).catch(() => null);
  if (alive && alive.pid === r.runtime.pid) {
    const health = await core
      .fetchAgentFor(alive)("/health", { method: "GET" })
      .catch(() => null);
    await health?.body?.cancel().catch(() => {});
    if (health?.ok) return;
  }
  log("error", "session runtime lost", { sessionId: r.sessionId, workspaceId: r.workspaceId, phase: r.lastLifecyclePhase, reason });
  await teardownRuntime(core);
  await core.apply({ state: "failed", message: reason, fields: { runtimeStatus: "lost", runtimeState: null } });
}

/** Wakes a sleeping (or never started) session for an incoming connection. */
export async function wakeSession(core: SessionCore): Promise<void> {
  const r = core.current;
  if (r.state === "running" && r.runtime) return;
  if (r.state === "sleeping" || r.state === "created") return startSession(core);
  throw new ApiError("invalid_state", `session is ${r.state}; start it first`);
}
