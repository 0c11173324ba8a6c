import type { RuntimeInfo, StartRuntimeBody } from "@burstflare/sdk/protocol/runtime-host";
import { DEFAULT_RESOURCE_CLASS, RESOURCE_LIMITS } from "@burstflare/sdk/resource-classes";
import type { AppBindings } from "../env";
import { base64url, randomToken } from "../lib/crypto";
import { log } from "../lib/log";
import { agentRequest } from "./agent-url";
import type { RuntimeDriver } from "./types";

const WORKSPACE_DIR = "/workspace";

/**
 * A container start is tried this often. The platform's side can fail one start outright ("Network
 * connection lost" from its container service, then "Container failed to start"; the containers
 * library then resets the container's object so that the next call connects afresh), which would
 * otherwise fail the session's start on the first try.
 */
export const CONTAINER_START_ATTEMPTS = 2;

/**
 * Cloudflare Containers: one WorkspaceContainer instance per runtime id. The agent inside
 * listens on AGENT_PORT; requests reach it through the container's Durable Object stub.
 */
export class ContainersRuntimeDriver implements RuntimeDriver {
  readonly name = "containers" as const;
  constructor(private readonly env: AppBindings) {}

  private stub(runtimeId: string) {
    return this.env.WORKSPACE_CONTAINER.get(this.env.WORKSPACE_CONTAINER.idFromName(runtimeId));
  }

  async ping(): Promise<boolean> {
    return typeof this.env.WORKSPACE_CONTAINER?.idFromName === "function";
  }

  async start(body: StartRuntimeBody): Promise<RuntimeInfo> {
    const agentToken = randomToken();
    const limits = RESOURCE_LIMITS[body.resourceClass ?? DEFAULT_RESOURCE_CLASS];
    const info: RuntimeInfo = {
      runtimeId: body.runtimeId,
      agentURL: "http://container.internal/",
      agentToken,
      pid: 1,
      workspaceDir: WORKSPACE_DIR,
      startedAt: new Date().toISOString(),
    };
    const envVars = {
      // One opaque value: the agent applies these to the user's processes only, never to itself.
      BURSTFLARE_SESSION_ENV: base64url(new TextEncoder().encode(JSON.stringify(body.env))),
      BURSTFLARE_AGENT_TOKEN: agentToken,
      BURSTFLARE_RUNTIME_ID: body.runtimeId,
      BURSTFLARE_WORKSPACE: WORKSPACE_DIR,
      BURSTFLARE_PERSISTED_PATHS: JSON.stringify(body.persistedPaths),
      BURSTFLARE_PREVIEW_PORT: String(body.previewPort ?? ""),
      // Same contract as the local driver: the dev server listens on $PORT.
      ...(body.previewPort ? { PORT: String(body.previewPort) } : {}),
      // The resource class, for the local engine's OCI runtime (scripts/containers/oci-runtime.sh)
      // to apply as cgroup limits; on Cloudflare the instance type sets them and these are unused.
      BURSTFLARE_MEMORY_BYTES: String(limits.memoryBytes),
      BURSTFLARE_PIDS_MAX: String(limits.pids),
      BURSTFLARE_CPU_SHARES: String(limits.cpuShares),
      // Asks that OCI runtime for member groups (runtime/container-start.sh); where nothing answers
      // (Cloudflare) the agent reports them off.
      BURSTFLARE_MEMBER_GROUPS: "ask",
    };
    for (let attempt = 1; ; attempt++) {
      try {
        // Idempotent: a runtime that is already up keeps its token and is returned as it is.
        return await this.stub(body.runtimeId).boot(envVars, info);
      } catch (err) {
        if (attempt >= CONTAINER_START_ATTEMPTS) throw err;
        log("warn", "container start failed; trying once more", { runtimeId: body.runtimeId, attempt, error: String(err) });
      }
    }
  }

  async get(runtimeId: string): Promise<RuntimeInfo | null> {
    return await this.stub(runtimeId).runtimeInfo();
  }

  async stop(runtimeId: string): Promise<void> {
    await this.stub(runtimeId).shutdown();
  }

  fetchAgent(info: RuntimeInfo, path: string, init: Request | RequestInit): Promise<Response> {
    return this.stub(info.runtimeId).fetch(agentRequest(info.agentURL, path, init, info.agentToken));
  }
}
