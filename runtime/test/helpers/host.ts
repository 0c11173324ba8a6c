import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { AGENT_TOKEN_HEADER, RUNTIME_SECRET_HEADER, type RuntimeInfo, runtimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { afterAll, beforeAll } from "vitest";
import { removeRuntimeDataDir } from "../../../scripts/lib/processes.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface TestHost {
  url: string;
  secret: string;
  dataDir: string;
  process: ChildProcess;
  request(pathname: string, init?: RequestInit): Promise<Response>;
  start(runtimeId: string, body?: Record<string, unknown>): Promise<RuntimeInfo>;
  stop(): Promise<void>;
}

/** A real runtime host on a free loopback port, in its own process group, with a throwaway data dir. */
export async function startTestHost(opts: { dataDir?: string; env?: Record<string, string> } = {}): Promise<TestHost> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "bf-host-"));
  const secret = randomBytes(16).toString("hex");
  const child = spawn(process.execPath, ["--import", "tsx", "runtime/src/host/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, BURSTFLARE_HOST_PORT: "0", BURSTFLARE_HOST_SECRET: secret, BURSTFLARE_DATA_DIR: dataDir, ...opts.env },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("runtime host did not start within 20 s")), 20_000);
    child.once("exit", (code) => reject(new Error(`runtime host exited with ${code}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        const msg = JSON.parse(line) as { event?: string; port?: number };
        if (msg.event === "runtime-host-listening" && msg.port) {
          clearTimeout(timer);
          resolve(msg.port);
        }
      } catch {}
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const request = (pathname: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set(RUNTIME_SECRET_HEADER, secret);
    return fetch(url + pathname, { ...init, headers });
  };
  return {
    url,
    secret,
    dataDir,
    process: child,
    request,
    async start(runtimeId, body = {}) {
      const res = await request("/runtimes", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ runtimeId, ...body }),
      });
      if (!res.ok) throw new Error(`start ${runtimeId}: ${res.status} ${await res.text()}`);
      return runtimeInfo.parse(await res.json());
    },
    async stop() {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {}
      }, 5000);
      await exited;
      clearTimeout(timer);
      removeRuntimeDataDir(dataDir);
    },
  };
}

/**
 * One test host for the enclosing describe block: started before its tests, stopped after them.
 * Given a runtime id (and the body to start it with), it also starts that runtime on the host.
 * The returned object is filled in by the block's beforeAll, so read it inside the tests.
 */
export function useTestHost(): { host: TestHost };
export function useTestHost(runtimeId: string, body?: Record<string, unknown>, hookTimeout?: number): { host: TestHost; info: RuntimeInfo };
export function useTestHost(runtimeId?: string, body?: Record<string, unknown>, hookTimeout?: number) {
  const fixture = {} as { host: TestHost; info?: RuntimeInfo };
  beforeAll(async () => {
    fixture.host = await startTestHost();
    if (runtimeId) fixture.info = await fixture.host.start(runtimeId, body);
  }, hookTimeout);
  afterAll(async () => {
    await fixture.host.stop();
  });
  return fixture;
}

export function agentFetch(info: RuntimeInfo, pathname: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set(AGENT_TOKEN_HEADER, info.agentToken);
  return fetch(info.agentURL + pathname, { ...init, headers });
}

/** Runs a command through POST /exec and returns its output and exit event. */
export async function agentExec(info: RuntimeInfo, command: string): Promise<{ output: string; code: number | null }> {
  const res = await agentFetch(info, "/exec", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ command }),
  });
  if (!res.ok) throw new Error(`exec: ${res.status} ${await res.text()}`);
  let output = "";
  let code: number | null = null;
  for (const line of (await res.text()).split("\n").filter(Boolean)) {
    const event = JSON.parse(line) as { type: string; data?: string; code?: number | null };
    if (event.type === "output") output += event.data;
    else code = event.code ?? null;
  }
  return { output, code };
}
