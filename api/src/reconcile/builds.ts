import { failStuckBuild } from "../builds/builds-repo";
import { noteLog } from "../builds/log";
import { requeueBuild } from "../builds/store";
import { findStuckBuilds } from "../builds/stuck";
import { dbOf } from "../lib/db";
import { log } from "../lib/log";
import { buildLogKey } from "../templates/keys";
import type { Plan, PlannedAction, ReconcileContext } from "./types";

/** Stops the attempt's workflow instance if it still exists; its absence is fine. */
async function terminateInstance(ctx: ReconcileContext, instanceId: string | null): Promise<void> {
  if (!instanceId) return;
  try {
    const instance = await ctx.env.BUILD_WORKFLOW.get(instanceId);
    await instance.terminate();
  } catch {
    // Already finished, terminated or never created.
  }
}

/**
 * Builds in `building` past BUILD_STUCK_AFTER_SECONDS lost their worker (a crashed consumer, a
 * workflow that never reported). Policy `fail` marks them failed with the reason, so their owner
 * sees it and can retry; `requeue` queues them again at once.
 */
export async function planStuckBuilds(ctx: ReconcileContext): Promise<Plan> {
  const stuck = await findStuckBuilds(ctx.env, ctx.now);
  const limitSeconds = Math.round(ctx.policy.buildStuckAfterMs / 1000);
  const actions: PlannedAction[] = stuck.map((b) => ({
    kind: "build_recover_stuck",
    targetType: "build",
    targetId: b.id,
    workspaceId: b.workspaceId,
    reason: `building for ${Math.round((ctx.now - b.startedAt) / 1000)}s (limit ${limitSeconds}s); policy ${ctx.policy.stuckBuildPolicy}`,
    details: { policy: ctx.policy.stuckBuildPolicy, startedAt: b.startedAt, workflowInstanceId: b.workflowInstanceId },
    apply: async () => {
      const error = `stuck in building for more than ${limitSeconds}s; recovered by reconcile (${ctx.policy.stuckBuildPolicy})`;
      const t = Date.now();
      // Conditional on the state planned from: a build that finished meanwhile is left alone.
      if (!(await failStuckBuild(dbOf(ctx.env), b.id, b.startedAt, error, t))) return "noop";
      await terminateInstance(ctx, b.workflowInstanceId);
      await noteLog(ctx.env.BUCKET, buildLogKey(b.workspaceId, b.id), error).catch(() => {});
      log("warn", "stuck build recovered", { buildId: b.id, workspaceId: b.workspaceId, phase: "building", reason: error });
      if (ctx.policy.stuckBuildPolicy === "requeue") await requeueBuild(ctx.env, b.id, ["failed"], "retry");
      return "done";
    },
  }));
  return { actions, truncated: stuck.length >= 500 };
}
