import http from "node:http";
import path from "node:path";
import { inject } from "vitest";
import { killRuntime, runtimesOf } from "../stack/helpers/runtime-host";

/**
 * What the contract suite needs to see below the API, per driver: which runtimes exist for a
 * session and how to crash one. The local driver answers through its runtime host; the
 * containers driver through the container engine that wrangler dev drives.
 */
export interface DriverProbe {
  readonly name: "local" | "containers";
  /** Identities of the session's live runtimes (agent pids, container ids). */
  runtimes(sessionId: string): Promise<string[]>;
  /** Kills the session's runtime with SIGKILL, as a crash would. */
  crash(sessionId: string): Promise<void>;
}

const dockerSocket = path.join(process.env.BURSTFLARE_DOCKER_DIR ?? "/var/lib/burstflare-docker", "docker.sock");

function docker<T>(method: string, apiPath: string): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: dockerSocket, method, path: apiPath }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as T }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Running application containers (not the networking sidecars) whose agent serves this runtime id. */
async function containersOf(runtimeId: string): Promise<string[]> {
  const { body } = await docker<{ Id: string; Names: string[] }[]>("GET", "/containers/json");
  const ids: string[] = [];
  for (const c of body) {
    if (c.Names.some((n) => n.endsWith("-proxy"))) continue;
    const inspect = await docker<{ Config: { Env: string[] } }>("GET", `/containers/${c.Id}/json`);
    if (inspect.status === 200 && inspect.body.Config.Env.includes(`BURSTFLARE_RUNTIME_ID=${runtimeId}`)) ids.push(c.Id);
  }
  return ids;
}

const local: DriverProbe = {
  name: "local",
  runtimes: async (sessionId) => (await runtimesOf(sessionId)).map((r) => String(r.pid)),
  crash: killRuntime,
};

const containers: DriverProbe = {
  name: "containers",
  runtimes: containersOf,
  async crash(sessionId) {
    const [id] = await containersOf(sessionId);
    if (!id) throw new Error(`no container runs ${sessionId}`);
    const res = await docker("POST", `/containers/${id}/kill?signal=SIGKILL`);
    if (res.status !== 204) throw new Error(`docker kill answered ${res.status}`);
  },
};

export const probe = (): DriverProbe => (inject("runtimeDriver") === "containers" ? containers : local);
