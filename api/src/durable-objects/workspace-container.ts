import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { Container } from "@cloudflare/containers";
import type { AppBindings } from "../env";
import { randomToken } from "../lib/crypto";

const AGENT_PORT = 8080;
const INFO_KEY = "runtime-info";
/** Kept for the runtime id's whole life, unlike INFO_KEY: every start derives the same SSH host key. */
const HOST_KEY_SEED_KEY = "ssh-host-key-seed";

/**
 * One Cloudflare Container per runtime, running the image built from runtime/Dockerfile.
 * The session Durable Object decides when to sleep; `sleepAfter` is only a backstop for
 * a runtime the control plane lost track of. It never fires under a live session: the session's
 * alarm reads the agent's /health through this object at least every 30 s (awake.ts), and each
 * request renews the timer. Processes inside the container send no requests, so they never
 * count here; what counts as activity (terminals, SSH, files, preview) is the agent's report,
 * which the session judges.
 *
 * The runtime's address and agent token live in this object's own storage: it is strongly
 * consistent and dies with the runtime, where KV could hand a fresh start a stale token.
 */
export class WorkspaceContainer extends Container<AppBindings> {
  defaultPort = AGENT_PORT;
  sleepAfter = "2h";
  enableInternet = true;

  /** Starts the agent with its per-runtime environment, waits until it listens, then records it. */
  async boot(envVars: Record<string, string>, info: RuntimeInfo): Promise<RuntimeInfo> {
    const stored = await this.runtimeInfo();
    if (stored) return stored;
    await this.ctx.storage.delete(INFO_KEY);
    // A container running without recorded info (the engine restarted a crashed one) carries an
    // agent token nobody holds: replace it rather than adopt it.
    const { status } = await this.getState();
    if (status === "running" || status === "healthy") await this.destroy();
    await this.startAndWaitForPorts({
      ports: AGENT_PORT,
      startOptions: { envVars: { ...envVars, BURSTFLARE_SSH_HOST_KEY_SEED: await this.hostKeySeed() } },
      cancellationOptions: { portReadyTimeoutMS: 30_000 },
    });
    await this.ctx.storage.put(INFO_KEY, info);
    return info;
  }

  private async hostKeySeed(): Promise<string> {
    const stored = await this.ctx.storage.get<string>(HOST_KEY_SEED_KEY);
    if (stored) return stored;
    const seed = randomToken(32);
    await this.ctx.storage.put(HOST_KEY_SEED_KEY, seed);
    return seed;
  }

  /** The running runtime's info, or null when the container is not running (stopped, crashed, never started). */
  async runtimeInfo(): Promise<RuntimeInfo | null> {
    const state = await this.getState();
    if (state.status !== "running" && state.status !== "healthy") return null;
    return (await this.ctx.storage.get<RuntimeInfo>(INFO_KEY)) ?? null;
  }

  async running(): Promise<boolean> {
    return (await this.runtimeInfo()) !== null;
  }

  /** Removes the container (its disk goes with it: persisted paths were flushed by the caller). */
  async shutdown(): Promise<void> {
    await this.ctx.storage.delete(INFO_KEY);
    await this.destroy();
  }

  override onStop(): void {
    void this.ctx.storage.delete(INFO_KEY);
  }
}
