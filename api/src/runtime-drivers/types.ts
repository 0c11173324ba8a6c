import type { HostHealth, KeepWorkspaceBody, RuntimeInfo, StartRuntimeBody } from "@burstflare/sdk/protocol/runtime-host";

/**
 * What the control plane needs from a place that runs runtime agents. Both drivers
 * speak the same agent protocol once the runtime is up; they differ in how it is started.
 */
export interface RuntimeDriver {
  readonly name: "local" | "containers";
  ping(): Promise<boolean>;
  /** The local host's sandbox and isolation report (Containers are isolated by the platform). */
  hostHealth?(): Promise<HostHealth | null>;
  start(body: StartRuntimeBody): Promise<RuntimeInfo>;
  /** The running runtime or null when it is gone (crashed, stopped, never started). */
  get(runtimeId: string): Promise<RuntimeInfo | null>;
  stop(runtimeId: string): Promise<void>;
  /**
   * Local driver only (a container's disk does not outlive it): after a stop, asks the host to keep
   * the workspace folder for the next start if it equals the snapshot just saved (`kept`), or why not.
   */
  keep?(runtimeId: string, body: KeepWorkspaceBody): Promise<{ kept: boolean; reason?: string }>;
  /** The session is gone: its kept workspace folder, if any, goes too. */
  discard?(runtimeId: string): Promise<void>;
  /** Sends a request to the runtime's agent; WebSocket upgrades pass through untouched. */
  fetchAgent(info: RuntimeInfo, path: string, init: Request | RequestInit): Promise<Response>;
}
