import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ApiError } from "@burstflare/sdk/errors";
import { AGENT_TOKEN_HEADER, type KeepWorkspaceBody, type RuntimeInfo, type StartRuntimeBody } from "@burstflare/sdk/protocol/runtime-host";
import { DEFAULT_RESOURCE_CLASS, RESOURCE_LIMITS } from "@burstflare/sdk/resource-classes";
import type { AgentCommand } from "./agent-bundle";
import { AgentLog, boundedLines, listeningPort } from "./agent-output";
import { dropSeal, keepWorkspace, takeKept } from "./kept-workspace";
import type { NetLease } from "./runtime-net";
import { cgroupPrefix, rlimitKinds, type Sandbox, sandboxedCommand, type UidRegistry, writeAgentEnv, writeIdentityFiles } from "./sandbox";
import { writeSessionEnvFile } from "./session-env";

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
/** Host variables an agent may inherit; everything else (the host secret above all) stays out. */
const INHERITED_ENV = ["PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "NODE_EXTRA_CA_CERTS"];

interface Entry {
  info: RuntimeInfo | null;
  child: ChildProcess | null;
  ready: Promise<RuntimeInfo>;
  exited: Promise<void>;
  /** The loopback port this runtime's dev server gets as $PORT in plain mode (see allocatePreviewPort). */
  previewPort: number | null;
  /** Gives back the runtime's network, cgroups and files once its processes are gone. */
  release: () => void;
  alive: boolean;
  /** A stop is under way: a start must wait for the exit instead of returning this agent. */
  stopping: boolean;
}

interface ManagerOptions {
  dataDir: string;
  /** Root-only folder for the host's own files (uid registry, identity files). */
  hostDir: string;
  agent: AgentCommand;
  sandbox: Sandbox;
  uids: UidRegistry | null;
  /** Folders every agent needs (agent bundle, checkout) besides its own runtime folder. */
  keep: string[];
  /** Host folders and files no runtime may read (the control plane's local state, home folders). */
  hide: string[];
}

/**
 * In plain mode local runtimes share the machine's loopback, so two sessions whose template says
 * "preview on 3000" would fight over one port: each gets its own port from this range as $PORT.
 * Sandboxed runtimes have their own network namespace and use the declared port, as in a container.
 */
const PREVIEW_PORT_RANGE = { from: 31000, to: 38999 };

/** One agent process per runtime id: started idempotently, watched, stopped by process group. */
export class RuntimeManager {
  private readonly entries = new Map<string, Entry>();
  // A random start keeps two hosts on one machine (dev stack, test stacks) apart.
  private nextPreviewPort = PREVIEW_PORT_RANGE.from + Math.floor(Math.random() * (PREVIEW_PORT_RANGE.to - PREVIEW_PORT_RANGE.from));

  constructor(private readonly opts: ManagerOptions) {}

  runtimeDir(runtimeId: string): string {
    return path.join(this.opts.dataDir, runtimeId);
  }

  /**
   * The agent's output, kept in the root-only host folder: the runtime's uid owns its own folder
   * and could swap a log there for a symlink to any root file, which root would then append to.
   */
  logFile(runtimeId: string): string {
    return path.join(this.opts.hostDir, "logs", `${runtimeId}.log`);
  }

  /** Concurrent starts of one id share the same agent. */
  async start(body: StartRuntimeBody): Promise<RuntimeInfo> {
    if (this.opts.sandbox.mode === "unavailable") {
      throw new ApiError("runtime_unavailable", `runtime host refuses to start runtimes: ${this.opts.sandbox.reason}`);
    }
    for (;;) {
      const existing = this.entries.get(body.runtimeId);
      if (!existing) return this.spawnAgent(body);
      if (existing.alive && !existing.stopping) return existing.ready;
      await existing.exited;
      // Whoever wakes first spawns; the others find its entry on the next turn.
      if (this.entries.get(body.runtimeId) === existing) this.entries.delete(body.runtimeId);
    }
  }

  get(runtimeId: string): RuntimeInfo | null {
    const entry = this.entries.get(runtimeId);
    return entry?.alive && !entry.stopping && entry.info ? entry.info : null;
  }

  list(): RuntimeInfo[] {
    return [...this.entries.values()].flatMap((e) => (e.alive && !e.stopping && e.info ? [e.info] : []));
  }

  /** SIGTERM the agent's process group, SIGKILL after a grace period; resolves when it is gone. */
  async stop(runtimeId: string, signal: NodeJS.Signals = "SIGTERM"): Promise<boolean> {
    const entry = this.entries.get(runtimeId);
    if (!entry?.alive) return false;
    entry.stopping = true;
    await entry.ready.catch(() => {});
    signalGroup(entry.child, signal);
    const timer = setTimeout(() => signalGroup(entry.child, "SIGKILL"), STOP_GRACE_MS);
    await entry.exited;
    clearTimeout(timer);
    return true;
  }

  /**
   * Seals a stopped runtime's workspace folder for its next start (kept-workspace.ts). Refused
   * while any agent of that id runs: only a folder nothing can write may be sealed.
   */
  keep(runtimeId: string, body: KeepWorkspaceBody): { kept: boolean; reason?: string } {
    if (this.entries.has(runtimeId)) return { kept: false, reason: "the runtime is running" };
    return keepWorkspace(this.opts.hostDir, runtimeId, path.join(this.runtimeDir(runtimeId), "workspace"), body);
  }

  /** The session is gone: its kept workspace folder goes too (the agent is stopped first). */
  async discard(runtimeId: string): Promise<void> {
    await this.stop(runtimeId);
    dropSeal(this.opts.hostDir, runtimeId);
    fs.rmSync(path.join(this.runtimeDir(runtimeId), "workspace"), { recursive: true, force: true });
  }

  /** The next port of the range that no live runtime of this host holds. */
  private allocatePreviewPort(): number {
    const taken = new Set([...this.entries.values()].filter((e) => e.alive).map((e) => e.previewPort));
    const size = PREVIEW_PORT_RANGE.to - PREVIEW_PORT_RANGE.from + 1;
    for (let i = 0; i < size; i++) {
      const port = PREVIEW_PORT_RANGE.from + ((this.nextPreviewPort - PREVIEW_PORT_RANGE.from + i) % size);
      if (!taken.has(port)) {
        this.nextPreviewPort = port + 1;
        return port;
      }
    }
    throw new ApiError("runtime_unavailable", "no free preview port");
  }

  /** Synchronous, for process exit: every agent group gets SIGKILL, then the network goes. */
  killAll(): void {
    for (const entry of this.entries.values()) if (entry.alive) signalGroup(entry.child, "SIGKILL");
    const { net, cgroups } = this.opts.sandbox;
    if (net) {
      net.close();
      cgroups?.removeAll(cgroupPrefix(net), 2000);
    }
  }

  private spawnAgent(body: StartRuntimeBody): Promise<RuntimeInfo> {
    const dir = this.runtimeDir(body.runtimeId);
    const workspaceDir = path.join(dir, "workspace");
    const agentDataDir = path.join(dir, "agent");
    const { sandbox } = this.opts;
    const uid = sandbox.mode === "uid" && this.opts.uids ? this.opts.uids.uidFor(body.runtimeId) : null;
    // A folder sealed for exactly this restore point, and untouched since, is kept (the seal is
    // spent either way: once the runtime runs, only a new seal after its next stop vouches for it).
    const reused = body.reuse ? takeKept(this.opts.hostDir, body.runtimeId, workspaceDir, body.reuse.snapshotId) : false;
    dropSeal(this.opts.hostDir, body.runtimeId);
    // No process of the runtime is alive here (its PID namespace ended with its agent), and rmSync
    // unlinks symlinks instead of following them: a planted link to a host folder only loses the link.
    if (body.fresh && !reused) fs.rmSync(workspaceDir, { recursive: true, force: true });
    for (const d of [dir, workspaceDir, agentDataDir]) ownedDir(d, uid);
    const token = randomBytes(32).toString("base64url");
    // Own network namespace: the declared port is free in every runtime; shared loopback: one each.
    const previewPort = body.previewPort ? (uid !== null ? body.previewPort : this.allocatePreviewPort()) : null;
    const env: Record<string, string> = {};
    for (const name of INHERITED_ENV) if (process.env[name]) env[name] = process.env[name]!;
    // Session variables never enter this environment: root helpers and the agent start with it.
    Object.assign(env, {
      BURSTFLARE_SESSION_ENV_FILE: writeSessionEnvFile(agentDataDir, uid, body.env),
      BURSTFLARE_AGENT_PORT: "0",
      BURSTFLARE_AGENT_TOKEN: token,
      BURSTFLARE_WORKSPACE: workspaceDir,
      BURSTFLARE_AGENT_DATA_DIR: agentDataDir,
      BURSTFLARE_RUNTIME_ID: body.runtimeId,
      BURSTFLARE_PERSISTED_PATHS: JSON.stringify(body.persistedPaths),
      BURSTFLARE_PREVIEW_PORT: previewPort ? String(previewPort) : "",
      BURSTFLARE_DECLARED_PREVIEW_PORT: body.previewPort ? String(body.previewPort) : "",
      ...(previewPort ? { PORT: String(previewPort) } : {}),
      BURSTFLARE_EXIT_WITH_STDIN: "1",
    });
    const log = new AgentLog(openHostLog(this.logFile(body.runtimeId)));
    let lease: NetLease | null = null;
    let release = () => {};
    let child: ChildProcess;
    if (uid !== null && sandbox.net && sandbox.cgroups) {
      const { net, cgroups } = sandbox;
      const group = `${cgroupPrefix(net)}${body.runtimeId}`;
      const envFile = path.join(this.opts.hostDir, `env-${body.runtimeId}`);
      lease = net.lease();
      const leased = lease;
      release = () => {
        net.release(leased);
        void cgroups.removeWhenEmpty(group);
        fs.rmSync(envFile, { force: true });
      };
      try {
        const limits = RESOURCE_LIMITS[body.resourceClass ?? DEFAULT_RESOURCE_CLASS];
        // Reachable from the host through the veth only; the namespace has no other way in.
        env.BURSTFLARE_LISTEN_ALL = "1";
        env.BURSTFLARE_RUN_AS = String(uid);
        if (cgroups.memberMount) env.BURSTFLARE_CGROUP2 = cgroups.memberMount;
        writeAgentEnv(envFile, env);
        const command = sandboxedCommand({
          uid,
          identity: writeIdentityFiles(this.opts.hostDir, body.runtimeId, uid, workspaceDir),
          lease,
          cgroupProcs: cgroups.create(group, limits),
          limits,
          rlimits: rlimitKinds(cgroups),
          keep: [dir, ...this.opts.keep],
          hide: this.opts.hide,
          envFile,
          file: this.opts.agent.file,
          args: this.opts.agent.args,
          agentDropsItself: true,
        });
        child = spawn(command.file, command.args, { cwd: "/", env: command.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
      } catch (err) {
        release();
        throw new ApiError("runtime_unavailable", `could not set up the sandbox for ${body.runtimeId}: ${(err as Error).message}`);
      }
    } else {
      child = spawn(this.opts.agent.file, this.opts.agent.args, {
        cwd: workspaceDir,
        env,
        stdio: ["pipe", "pipe", "pipe"],
        detached: true,
      });
    }
    child.stderr?.on("data", (chunk: Buffer) => log.agent(chunk));
    child.stdout?.on("data", (chunk: Buffer) => log.agent(chunk));
    const entry: Entry = {
      info: null,
      child,
      alive: true,
      stopping: false,
      ready: Promise.resolve(null as never),
      exited: Promise.resolve(),
      previewPort,
      release,
    };
    entry.exited = new Promise<void>((resolve) => {
      const gone = (why: string) => {
        if (!entry.alive) return;
        entry.alive = false;
        entry.release();
        log.host(`agent ${why}`);
        if (this.entries.get(body.runtimeId) === entry) this.entries.delete(body.runtimeId);
        resolve();
      };
      child.on("exit", (code, signal) => gone(`exited code=${code} signal=${signal}`));
      // A spawn failure emits "error" and never "exit".
      child.on("error", (err) => gone(`could not be spawned: ${err.message}`));
    });
    const agentHost = lease ? lease.runtimeIP : "127.0.0.1";
    entry.ready = this.awaitReady(child, body.runtimeId, token, workspaceDir, agentHost, this.logFile(body.runtimeId)).then((info) => {
      if (reused && body.reuse) info.reusedWorkspace = body.reuse.snapshotId;
      entry.info = info;
      return info;
    });
    entry.ready.catch((err: Error) => {
      log.host(`start failed: ${err.message}`);
      signalGroup(child, "SIGKILL");
    });
    this.entries.set(body.runtimeId, entry);
    return entry.ready;
  }

  private awaitReady(
    child: ChildProcess,
    runtimeId: string,
    token: string,
    workspaceDir: string,
    agentHost: string,
    logFile: string,
  ): Promise<RuntimeInfo> {
    return new Promise<RuntimeInfo>((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        reject(new ApiError("runtime_unavailable", `agent for ${runtimeId} did not start: ${message}`));
      };
      const timer = setTimeout(() => fail(`no ready signal within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
      child.once("exit", (code, signal) => fail(`exited early (code ${code}, signal ${signal}); see ${logFile}`));
      let ready = false;
      // The output itself is logged (capped) by the caller; this only looks for the ready signal.
      boundedLines(child.stdout!, (line) => {
        const port = ready ? null : listeningPort(line);
        if (port === null) return;
        ready = true;
        const info: RuntimeInfo = {
          runtimeId,
          agentURL: `http://${agentHost}:${port}`,
          agentToken: token,
          pid: child.pid!,
          workspaceDir,
          startedAt: new Date().toISOString(),
        };
        waitForHealth(info)
          .then(() => {
            clearTimeout(timer);
            resolve(info);
          })
          .catch((err: Error) => fail(err.message));
      });
    });
  }
}

/**
 * A folder of the runtime, owned by its uid. Whatever the runtime left at that name that is not
 * a real folder (a symlink to /etc, a file) is unlinked, never followed, and a folder is made in
 * its place; lchown changes the entry itself. Nothing of the runtime runs while this happens.
 */
function ownedDir(dir: string, uid: number | null): void {
  let stat: fs.Stats | null = null;
  try {
    stat = fs.lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (stat && !stat.isDirectory()) {
    fs.unlinkSync(dir);
    stat = null;
  }
  if (!stat) fs.mkdirSync(dir, { mode: 0o700 });
  if (uid !== null) fs.lchownSync(dir, uid, uid);
}

/** Appends only to a regular file at that very name: O_NOFOLLOW refuses a symlink in its place. */
function openHostLog(file: string): fs.WriteStream {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { O_WRONLY, O_CREAT, O_APPEND, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0o600);
  return fs.createWriteStream(file, { fd });
}

async function waitForHealth(info: RuntimeInfo): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${info.agentURL}/health`, { headers: { [AGENT_TOKEN_HEADER]: info.agentToken } });
      if (res.ok) return;
      last = `health answered ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`agent health check failed: ${last}`);
}

function signalGroup(child: ChildProcess | null, signal: NodeJS.Signals): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {}
}
