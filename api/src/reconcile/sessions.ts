import { type Db, dbOf } from "../lib/db";
import { log } from "../lib/log";
import { releaseRunning } from "../sessions/records";
import { listDeletedNotStopped, listInStateSince, listRunningSessions } from "../sessions/sessions-repo";
import { sessionStub, unwrap } from "../sessions/stub";
import { ageDays, type Plan, type PlannedAction, type ReconcileContext } from "./types";

const RECONCILE_ACTOR = { userId: null };

type SessionBrief = Awaited<ReturnType<typeof listRunningSessions>>[number];

/** One action per listed session (at most maxSessionChecks are listed; more make the plan truncated). */
async function planPerSession(
  ctx: ReconcileContext,
  list: (db: Db, limit: number) => Promise<SessionBrief[]>,
  act: (s: SessionBrief) => Pick<PlannedAction, "kind" | "reason" | "apply">,
): Promise<Plan> {
  const limit = ctx.policy.maxSessionChecks;
  const results = await list(dbOf(ctx.env), limit);
  const actions = results.map((s): PlannedAction => {
    const { kind, reason, apply } = act(s);
    return { kind, targetType: "session", targetId: s.id, workspaceId: s.workspaceId, reason, apply };
  });
  return { actions, truncated: results.length === limit };
}

/**
 * Running sessions are asked to run their idle check now: the session DO decides (it reads the
 * agent's activity), flushes, then sleeps. This covers a lost or late alarm; a busy session is a no-op.
 */
function planIdleChecks(ctx: ReconcileContext): Promise<Plan> {
  return planPerSession(ctx, listRunningSessions, (s) => ({
    kind: "session_check_idle",
    reason: "running: the session checks its idle deadline and sleeps (after a flush) if it passed",
    apply: async () => {
      const after = unwrap(await sessionStub(ctx.env, s.id).checkIdle(s.id));
      if (after.state === "running") return "noop";
      if (after.state === "failed") log("error", "reconcile found a lost runtime", { sessionId: s.id, reason: after.failureReason });
      return "done";
    },
  }));
}

/** Asleep past SLEEPING_STOP_AFTER_DAYS: its sleep snapshot becomes its final one and it is stopped. */
function planLongSleeping(ctx: ReconcileContext): Promise<Plan> {
  const asleepSince = ctx.now - ctx.policy.sleepingStopAfterMs;
  return planPerSession(
    ctx,
    (db, limit) => listInStateSince(db, "sleeping", asleepSince, limit),
    (s) => ({
      kind: "session_stop_long_sleeping",
      reason: `asleep for ${ageDays(ctx.now, s.updatedAt)}; the sleep snapshot is final and the session is stopped`,
      apply: async () => {
        const before = s.state;
        const after = unwrap(await sessionStub(ctx.env, s.id).stop(s.id, RECONCILE_ACTOR));
        return after.state !== before ? "done" : "noop";
      },
    }),
  );
}

/**
 * Sessions hidden with a deleted workspace (the workspace delete marks rows in one transaction)
 * whose Session DO still holds them: the DO's delete flushes a running one and stops its runtime.
 */
function planStopDeleted(ctx: ReconcileContext): Promise<Plan> {
  return planPerSession(ctx, listDeletedNotStopped, (s) => ({
    kind: "session_stop_deleted",
    reason: `marked deleted while ${s.state}; its runtime is stopped (after a final snapshot) and it stays restorable`,
    apply: async () => {
      const after = unwrap(await sessionStub(ctx.env, s.id).remove(s.id, RECONCILE_ACTOR));
      return after.state === "deleted" ? "done" : "noop";
    },
  }));
}

/** A start records `starting` in its Session DO within seconds of claiming the slot; boots that take longer are `starting` there too. */
const STALE_CLAIM_MS = 10 * 60_000;

/**
 * `starting` in D1 for a long time: either a long boot (the Session DO says `starting` too, left
 * alone) or a running-slot claim whose start never reached the DO's first transition (the object
 * was evicted in between). Such a claim would hold one of the workspace's running slots forever;
 * the row gets the DO's state back, conditional on the version the DO holds.
 */
function planStaleClaims(ctx: ReconcileContext): Promise<Plan> {
  return planPerSession(
    ctx,
    (db, limit) => listInStateSince(db, "starting", ctx.now - STALE_CLAIM_MS, limit),
    (s) => ({
      kind: "session_release_stale_claim",
      reason: `starting for ${ageDays(ctx.now, s.updatedAt)}; its running slot is given back unless its Session DO is starting it`,
      apply: async () => {
        const { record } = unwrap(await sessionStub(ctx.env, s.id).describe(s.id));
        if (record.state === "starting") return "noop";
        const released = await releaseRunning(ctx.env, { sessionId: s.id, state: record.state, stateVersion: record.stateVersion });
        return released ? "done" : "noop";
      },
    }),
  );
}

export async function planSessions(ctx: ReconcileContext): Promise<Plan> {
  const plans = [await planIdleChecks(ctx), await planLongSleeping(ctx), await planStopDeleted(ctx), await planStaleClaims(ctx)];
  return { actions: plans.flatMap((p) => p.actions), truncated: plans.some((p) => p.truncated) };
}
