import { spawnSync } from "node:child_process";
import path from "node:path";
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

/** A runtime's disk image on the host (runtime/src/host/runtime-disk.ts), from its workspace folder. */
export function diskImageOf(workspaceDir: string): string {
  const runtimeDir = path.dirname(workspaceDir);
  return path.join(path.dirname(runtimeDir), ".host", "disks", `${path.basename(runtimeDir)}.img`);
}

/**
 * Runs fn with a stopped runtime's disk mounted at its folder, as the host does for a keep: the
 * host mounts it only while the runtime runs, so a kept workspace is not on the host's view otherwise.
 */
export function onStoppedDisk<T>(workspaceDir: string, fn: () => T): T {
  const runtimeDir = path.dirname(workspaceDir);
  const run = (bin: string, args: string[]) => {
    const res = spawnSync(bin, args, { encoding: "utf8" });
    if (res.status !== 0) throw new Error(`${bin} ${args.join(" ")}: ${res.stderr}`);
  };
  run(MOUNT, ["-o", "loop,nosuid,nodev", diskImageOf(workspaceDir), runtimeDir]);
  try {
    return fn();
  } finally {
    run(UMOUNT, [runtimeDir]);
  }
}
const MOUNT = "/usr/bin/mount";
const UMOUNT = "/usr/bin/umount";
