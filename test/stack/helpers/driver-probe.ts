import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { inject } from "vitest";
import { killRuntime, runtimesOf } from "./runtime-host";

/**
 * What the contract and security suites need to see below the API, per driver: which runtimes
 * exist for a session, how to crash one, where it listens, its agent's pid. The local driver
 * answers through its runtime host; the containers driver through the container engine that
 * wrangler dev drives.
 */
export interface DriverProbe {
  readonly name: "local" | "containers";
  /** Identities of the session's live runtimes (agent pids, container ids). */
  runtimes(sessionId: string): Promise<string[]>;
  /** Kills the session's runtime with SIGKILL, as a crash would. */
  crash(sessionId: string): Promise<void>;
  /** Where another runtime would knock to reach this one: its address with the ports it serves (agent, sidecar). */
  doorsOf(sessionId: string): Promise<{ address: string; ports: number[] }>;
  /** This machine's address on the session's link (the veth's host end, the engine bridge's gateway). */
  hostSideOf(sessionId: string): Promise<string>;
  /** The host pid of the session's agent: the runtime's first process, in the runtime's namespaces. */
  agentPid(sessionId: string): Promise<number>;
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

async function agentURLOf(sessionId: string): Promise<URL> {
  const [runtime] = await runtimesOf(sessionId);
  if (!runtime) throw new Error(`no runtime runs ${sessionId}`);
  return new URL(runtime.agentURL);
}

/** The local runtime's first process (its agent): the one child of the wrapper the host started. */
async function localAgentPid(sessionId: string): Promise<number> {
  const [runtime] = await runtimesOf(sessionId);
  if (!runtime) throw new Error(`no runtime runs ${sessionId}`);
  const children = fs.readFileSync(`/proc/${runtime.pid}/task/${runtime.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  if (children.length !== 1) throw new Error(`expected one process under the runtime's wrapper ${runtime.pid}, found ${children.length}`);
  return Number(children[0]);
}

const local: DriverProbe = {
  name: "local",
  runtimes: async (sessionId) => (await runtimesOf(sessionId)).map((r) => String(r.pid)),
  crash: killRuntime,
  async doorsOf(sessionId) {
    const url = await agentURLOf(sessionId);
    return { address: url.hostname, ports: [Number(url.port)] };
  },
  // Each runtime sits on its own /30: the host's end is the address just below the runtime's.
  async hostSideOf(sessionId) {
    const parts = (await agentURLOf(sessionId)).hostname.split(".").map(Number);
    parts[3] = parts[3]! - 1;
    return parts.join(".");
  },
  agentPid: localAgentPid,
};

interface ContainerInspect {
  Args: string[];
  State: { Pid: number };
  Config: { Env: string[] };
  HostConfig: { NetworkMode: string };
  NetworkSettings: { Networks: Record<string, { IPAddress: string; Gateway: string }> };
}

/** The sidecar whose network namespace the session's container runs in, and that namespace's bridge address. */
async function sidecarOf(sessionId: string): Promise<{ args: string[]; ip: string; gateway: string }> {
  const [id] = await containersOf(sessionId);
  if (!id) throw new Error(`no container runs ${sessionId}`);
  const app = await docker<ContainerInspect>("GET", `/containers/${id}/json`);
  const sidecarId = app.body.HostConfig.NetworkMode.replace(/^container:/, "");
  const sidecar = await docker<ContainerInspect>("GET", `/containers/${sidecarId}/json`);
  const [network] = Object.values(sidecar.body.NetworkSettings.Networks);
  if (!network) throw new Error(`the sidecar of ${sessionId} is on no network`);
  return { args: sidecar.body.Args, ip: network.IPAddress, gateway: network.Gateway };
}

const containers: DriverProbe = {
  name: "containers",
  runtimes: containersOf,
  async crash(sessionId) {
    const [id] = await containersOf(sessionId);
    if (!id) throw new Error(`no container runs ${sessionId}`);
    const res = await docker("POST", `/containers/${id}/kill?signal=SIGKILL`);
    if (res.status !== 204) throw new Error(`docker kill answered ${res.status}`);
  },
  async doorsOf(sessionId) {
    const sidecar = await sidecarOf(sessionId);
    const flag = sidecar.args.indexOf("--http-ingress-address");
    const ingress = flag >= 0 ? (sidecar.args[flag + 1] ?? "") : "";
    // The agent's port (runtime/Dockerfile) and the sidecar's, which tunnels to any port inside.
    return { address: sidecar.ip, ports: [8080, Number(ingress.split(":").pop() || 39001)] };
  },
  hostSideOf: async (sessionId) => (await sidecarOf(sessionId)).gateway,
  // The image's CMD is the agent itself (runtime/Dockerfile): the container's init process.
  async agentPid(sessionId) {
    const [id] = await containersOf(sessionId);
    if (!id) throw new Error(`no container runs ${sessionId}`);
    const { body } = await docker<ContainerInspect>("GET", `/containers/${id}/json`);
    return body.State.Pid;
  },
};

export const probe = (): DriverProbe => (inject("runtimeDriver") === "containers" ? containers : local);
