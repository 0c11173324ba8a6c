import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import type { AppBindings } from "../env";

export interface BuildParams {
  buildId: string;
}

/** Runs one template build. (Filled in by the build pipeline.) */
export class BuildWorkflow extends WorkflowEntrypoint<AppBindings, BuildParams> {
  async run(event: WorkflowEvent<BuildParams>, step: WorkflowStep): Promise<void> {
    await step.do("noop", async () => event.payload.buildId);
  }
}
