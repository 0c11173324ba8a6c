import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { idSchema } from "@burstflare/sdk/schemas/common";
import { z } from "zod";
import { type BuildOutcome, failureMessage, finishBuild, meterAttempt } from "../builds/finish";
import { noteLog } from "../builds/log";
import { beginBuild, exportArtifact, importBundle, runBuildCommand, startBuildRuntime, stopBuildRuntime } from "../builds/runner";
import type { AppBindings } from "../env";
import { log } from "../lib/log";
import { parseOrThrow } from "../lib/validate";

const buildWorkflowParams = z.object({ buildId: idSchema, attempt: z.number().int().min(1) });
type BuildParams = z.infer<typeof buildWorkflowParams>;

/** Infrastructure steps get one quick retry inside the workflow; beyond that the queue retries the whole build. */
const INFRA = { retries: { limit: 1, delay: "2 seconds", backoff: "constant" }, timeout: "5 minutes" } as const;
/** The build command is not retried here: re-running a half-finished build in the same runtime is not safe. */
const COMMAND = { retries: { limit: 0, delay: 0 }, timeout: "35 minutes" } as const;

/**
 * One attempt at one template build: fresh runtime → bundle → build step → artifact → stop.
 * A non-zero build step ends `failed` (the instance completes). An infrastructure error
 * makes the instance error out, which the queue consumer turns into a retry.
 */
export class BuildWorkflow extends WorkflowEntrypoint<AppBindings, BuildParams> {
  async run(event: WorkflowEvent<BuildParams>, step: WorkflowStep): Promise<{ status: string }> {
    const { buildId, attempt } = parseOrThrow(buildWorkflowParams, event.payload);
    const ctx = await step.do("begin build", INFRA, () => beginBuild(this.env, buildId, attempt));
    if (!ctx) return { status: "skipped" };

    let outcome: BuildOutcome;
    // Which step an infrastructure failure happened in, for the error log.
    let phase = "start runtime";
    try {
      await step.do("start runtime", INFRA, () => startBuildRuntime(this.env, ctx));
      phase = "import bundle";
      await step.do("import bundle", INFRA, () => importBundle(this.env, ctx));
      phase = "run build step";
      const result = await step.do("run build step", COMMAND, () => runBuildCommand(this.env, ctx));
      if (result.exitCode === 0 && !result.signal) {
        phase = "export artifact";
        const artifact = await step.do("export artifact", INFRA, () => exportArtifact(this.env, ctx));
        outcome = "refused" in artifact ? { status: "failed", error: artifact.refused } : { status: "succeeded", artifact };
      } else {
        outcome = { status: "failed", error: failureMessage(result) };
      }
    } catch (err) {
      log("error", "build attempt failed", {
        buildId,
        attempt,
        workspaceId: ctx.workspaceId,
        phase,
        reason: err instanceof Error ? err.message : String(err),
      });
      await step.do("note infrastructure failure", INFRA, () =>
        noteLog(this.env.BUCKET, ctx.logKey, `attempt ${attempt} failed: ${err instanceof Error ? err.message : String(err)}`),
      );
      await step.do("stop runtime after failure", INFRA, () => stopBuildRuntime(this.env, buildId));
      // The attempt used its runtime until now, whatever failed: metered like a finished one.
      await step.do("meter failed attempt", INFRA, () => meterAttempt(this.env, ctx));
      throw err;
    }
    await step.do("stop runtime", INFRA, () => stopBuildRuntime(this.env, buildId));
    await step.do("finish build", INFRA, () => finishBuild(this.env, ctx, outcome));
    return { status: outcome.status };
  }
}
