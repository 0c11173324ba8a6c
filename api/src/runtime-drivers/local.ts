import { ApiError } from "@burstflare/sdk/errors";
import {
  type HostHealth,
  hostHealth,
  type KeepWorkspaceBody,
  keepWorkspaceResponse,
  RUNTIME_SECRET_HEADER,
  type RuntimeInfo,
  runtimeInfo,
  type StartRuntimeBody,
} from "@burstflare/sdk/protocol/runtime-host";
import type { AppBindings } from "../env";
import { agentRequest } from "./agent-url";
import type { RuntimeDriver } from "./types";

/** Talks to runtime/src/host on loopback; used by `npm run dev` and every test. */
export class LocalRuntimeDriver implements RuntimeDriver {
  readonly name = "local" as const;
  constructor(private readonly env: AppBindings) {}

  private async host(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set(RUNTIME_SECRET_HEADER, this.env.LOCAL_RUNTIME_SECRET ?? "");
    try {
      return await fetch(new URL(path, this.env.LOCAL_RUNTIME_URL), { ...init, headers });
    } catch (err) {
      throw new ApiError("runtime_unavailable", `local runtime host unreachable at ${this.env.LOCAL_RUNTIME_URL}: ${String(err)}`);
    }
  }

  async ping(): Promise<boolean> {
    const res = await this.host("/health");
    return res.ok;
  }

  async hostHealth(): Promise<HostHealth | null> {
    const parsed = hostHealth.safeParse(await (await this.host("/health")).json().catch(() => null));
    return parsed.success ? parsed.data : null;
  }

  async start(body: StartRuntimeBody): Promise<RuntimeInfo> {
    const res = await this.host("/runtimes", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new ApiError("runtime_unavailable", `runtime host refused start: ${res.status} ${await res.text()}`);
    return runtimeInfo.parse(await res.json());
  }

  async get(runtimeId: string): Promise<RuntimeInfo | null> {
    const res = await this.host(`/runtimes/${encodeURIComponent(runtimeId)}`);
    if (res.status === 404) return null;
    if (!res.ok) throw new ApiError("runtime_unavailable", `runtime host error ${res.status}`);
    return runtimeInfo.parse(await res.json());
  }

  async stop(runtimeId: string): Promise<void> {
    const res = await this.host(`/runtimes/${encodeURIComponent(runtimeId)}`, { method: "DELETE" });
    if (!res.ok && res.status !== 404) throw new ApiError("runtime_unavailable", `runtime host error ${res.status}`);
  }

  async keep(runtimeId: string, body: KeepWorkspaceBody): Promise<{ kept: boolean; reason?: string }> {
    const res = await this.host(`/runtimes/${encodeURIComponent(runtimeId)}/keep`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new ApiError("runtime_unavailable", `runtime host refused keep: ${res.status} ${await res.text()}`);
    return keepWorkspaceResponse.parse(await res.json());
  }

  async discard(runtimeId: string): Promise<void> {
    const res = await this.host(`/runtimes/${encodeURIComponent(runtimeId)}/workspace`, { method: "DELETE" });
    if (!res.ok && res.status !== 404) throw new ApiError("runtime_unavailable", `runtime host error ${res.status}`);
  }

  fetchAgent(info: RuntimeInfo, path: string, init: Request | RequestInit): Promise<Response> {
    return fetch(agentRequest(info.agentURL, path, init, info.agentToken));
  }
}
