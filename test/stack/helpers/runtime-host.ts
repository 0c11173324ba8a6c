import { RUNTIME_SECRET_HEADER, type RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { inject } from "vitest";
import { STACK_RUNTIME_PORT } from "../../ports";

/** Calls the stack's local runtime host directly, as only the Worker normally does. */
async function host(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${STACK_RUNTIME_PORT}${path}`, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), [RUNTIME_SECRET_HEADER]: inject("runtimeSecret") },
  });
}

export async function runtimesOf(sessionId: string): Promise<RuntimeInfo[]> {
  const res = await host("/runtimes");
  const { runtimes } = (await res.json()) as { runtimes: RuntimeInfo[] };
  return runtimes.filter((r) => r.runtimeId === sessionId);
}

/** SIGKILLs the session's agent, as a crash would. */
export async function killRuntime(sessionId: string): Promise<void> {
  const res = await host(`/runtimes/${sessionId}/kill`, { method: "POST" });
  if (res.status !== 204) throw new Error(`kill answered ${res.status}: ${await res.text()}`);
}

/** True when a process with this pid exists on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the session's kept workspace folder on the host (as a lost disk would): the next boot must restore from R2. */
export async function discardKeptWorkspace(sessionId: string): Promise<void> {
  const res = await host(`/runtimes/${sessionId}/workspace`, { method: "DELETE" });
  if (res.status !== 204) throw new Error(`discard answered ${res.status}: ${await res.text()}`);
}
