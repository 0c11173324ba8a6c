import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { buildPrefix } from "../templates/keys";
import { recordUsage } from "../workspaces/usage";
import { markBuildFailed, markBuildSucceeded } from "./builds-repo";
import { noteLog } from "./log";
import type { ArtifactInfo, BuildContext, CommandResult } from "./runner";

export type BuildOutcome = { status: "succeeded"; artifact: ArtifactInfo } | { status: "failed"; error: string };

/** Explains a non-zero exit in the build's `error` field. */
export function failureMessage(result: CommandResult): string {
  return result.signal ? `build step killed by ${result.signal}` : `build step exited with code ${result.exitCode}`;
}

/**
 * Records the outcome and meters the build's seconds. When the build row vanished meanwhile
 * (its template was deleted), the objects this build wrote are removed instead.
 */
export async function finishBuild(env: AppBindings, ctx: BuildContext, outcome: BuildOutcome): Promise<void> {
  const t = now();
  await noteLog(env.BUCKET, ctx.logKey, outcome.status === "succeeded" ? "build succeeded" : `build failed: ${outcome.error}`);
  const db = dbOf(env);
  const recorded =
    outcome.status === "succeeded"
      ? await markBuildSucceeded(db, ctx.buildId, outcome.artifact, t)
      : await markBuildFailed(db, ctx.buildId, outcome.error, t);
  if (outcome.status === "failed") {
    log("warn", "build failed", { buildId: ctx.buildId, workspaceId: ctx.workspaceId, phase: "build step", reason: outcome.error });
  }
  if (!recorded) {
    log("info", "build finished after its template was deleted; removing its objects", { buildId: ctx.buildId });
    const listed = await env.BUCKET.list({ prefix: buildPrefix(ctx.workspaceId, ctx.buildId) });
    if (listed.objects.length > 0) await env.BUCKET.delete(listed.objects.map((o) => o.key));
    return;
  }
  await meterAttempt(env, ctx, t);
}

/**
 * Meters one attempt's seconds, from its start to `until`. Every attempt counts, also one that ends
 * in an infrastructure error and is retried: a build step can make its own export fail (a file it
 * cannot read), and such attempts once ran up to 30 minutes each, retried, without a second metered.
 */
export async function meterAttempt(env: AppBindings, ctx: BuildContext, until = now()): Promise<void> {
  if (!ctx.userId) return;
  await recordUsage(env, {
    workspaceId: ctx.workspaceId,
    userId: ctx.userId,
    metric: "build_seconds",
    value: (until - ctx.startedAt) / 1000,
  });
}
