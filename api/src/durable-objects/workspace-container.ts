import { Container } from "@cloudflare/containers";
import type { AppBindings } from "../env";

export const AGENT_PORT = 8080;

/**
 * One Cloudflare Container per runtime, running the image built from runtime/Dockerfile.
 * The session Durable Object decides when to sleep; `sleepAfter` is only a backstop for
 * a runtime the control plane lost track of.
 */
export class WorkspaceContainer extends Container<AppBindings> {
  defaultPort = AGENT_PORT;
  sleepAfter = "2h";
  enableInternet = true;

  /** Starts the agent with its per-runtime environment and waits until it listens. */
  async boot(envVars: Record<string, string>): Promise<void> {
    await this.startAndWaitForPorts({
      ports: AGENT_PORT,
      startOptions: { envVars },
      cancellationOptions: { portReadyTimeoutMS: 30_000 },
    });
  }

  async running(): Promise<boolean> {
    const state = await this.getState();
    return state.status === "running" || state.status === "healthy";
  }

  async shutdown(): Promise<void> {
    await this.stop();
  }
}
