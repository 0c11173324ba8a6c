import type { SessionState } from "../../../sdk/states";
import { log } from "../lib/log";
import { sessionStub, unwrap } from "../sessions/stub";
import { ageDays, type Plan, type PlannedAction, type ReconcileContext } from "./types";

interface Row {
  id: string;
  workspace_id: string;
  state: SessionState;
  updated_at: number;
}

const RECONCILE_ACTOR = { userId: null };

/**
 * Running sessions are asked to run their idle check now: the session DO decides (it reads the
 * agent's activity), flushes, then sleeps. This covers a lost or late alarm; a busy session is a no-op.
 */
async function planIdleChecks(ctx: ReconcileContext): Promise<Plan> {
  const limit = ctx.policy.maxSessionChecks;
  const { results } = await ctx.env.DB.prepare(
    `SELECT id, workspace_id, state, updated_at FROM sessions WHERE state = 'running' AND deleted_at IS NULL
     ORDER BY COALESCE(last_active_at, updated_at) LIMIT ?`,
  )
    .bind(limit)
    .all<Row>();
  const actions: PlannedAction[] = results.map((s) => ({
    kind: "session_check_idle",
    targetType: "session",
    targetId: s.id,
    workspaceId: s.workspace_id,
    reason: "running: the session checks its idle deadline and sleeps (after a flush) if it passed",
    apply: async () => {
      const after = unwrap(await sessionStub(ctx.env, s.id).checkIdle(s.id));
      if (after.state === "running") return "noop";
      if (after.state === "failed") log("error", "reconcile found a lost runtime", { sessionId: s.id, reason: after.failureReason });
      return "done";
    },
  }));
  return { actions, truncated: results.length === limit };
}

/** Asleep past SLEEPING_STOP_AFTER_DAYS: its sleep snapshot becomes its final one and it is stopped. */
async function planLongSleeping(ctx: ReconcileContext): Promise<Plan> {
  const limit = ctx.policy.maxSessionChecks;
  const { results } = await ctx.env.DB.prepare(
    `SELECT id, workspace_id, state, updated_at FROM sessions WHERE state = 'sleeping' AND deleted_at IS NULL AND updated_at < ?
     ORDER BY updated_at LIMIT ?`,
  )
    .bind(ctx.now - ctx.policy.sleepingStopAfterMs, limit)
    .all<Row>();
  const actions: PlannedAction[] = results.map((s) => ({
    kind: "session_stop_long_sleeping",
    targetType: "session",
    targetId: s.id,
    workspaceId: s.workspace_id,
    reason: `asleep for ${ageDays(ctx.now, s.updated_at)}; the sleep snapshot is final and the session is stopped`,
    apply: async () => {
      const before = s.state;
      const after = unwrap(await sessionStub(ctx.env, s.id).stop(s.id, RECONCILE_ACTOR));
      return after.state !== before ? "done" : "noop";
    },
  }));
  return { actions, truncated: results.length === limit };
}

/**
 * Sessions hidden with a deleted workspace (the workspace delete marks rows in one transaction)
 * whose Session DO still holds them: the DO's delete flushes a running one and stops its runtime.
 */
async function planStopDeleted(ctx: ReconcileContext): Promise<Plan> {
  const limit = ctx.policy.maxSessionChecks;
  const { results } = await ctx.env.DB.prepare(
    `SELECT id, workspace_id, state, updated_at FROM sessions WHERE deleted_at IS NOT NULL AND state != 'deleted'
     ORDER BY deleted_at LIMIT ?`,
  )
    .bind(limit)
    .all<Row>();
  const actions: PlannedAction[] = results.map((s) => ({
    kind: "session_stop_deleted",
    targetType: "session",
    targetId: s.id,
    workspaceId: s.workspace_id,
    reason: `marked deleted while ${s.state}; its runtime is stopped (after a final snapshot) and it stays restorable`,
    apply: async () => {
      const after = unwrap(await sessionStub(ctx.env, s.id).remove(s.id, RECONCILE_ACTOR));
      return after.state === "deleted" ? "done" : "noop";
    },
  }));
  return { actions, truncated: results.length === limit };
}

export async function planSessions(ctx: ReconcileContext): Promise<Plan> {
  const plans = [await planIdleChecks(ctx), await planLongSleeping(ctx), await planStopDeleted(ctx)];
  return { actions: plans.flatMap((p) => p.actions), truncated: plans.some((p) => p.truncated) };
}
