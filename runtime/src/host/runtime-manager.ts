import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { ApiError } from "../../../sdk/errors";
import { AGENT_TOKEN_HEADER, type RuntimeInfo, type StartRuntimeBody } from "../../../sdk/protocol/runtime-host";
import type { AgentCommand } from "./agent-bundle";
import { type SandboxMode, sandboxed, type UidRegistry, writeIdentityFiles } from "./sandbox";

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
/** Host variables an agent may inherit; everything else (the host secret above all) stays out. */
const INHERITED_ENV = ["PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "NODE_EXTRA_CA_CERTS"];

interface Entry {
  info: RuntimeInfo | null;
  child: ChildProcess | null;
  ready: Promise<RuntimeInfo>;
  exited: Promise<void>;
  /** The loopback port this runtime's dev server gets as $PORT (see allocatePreviewPort). */
  previewPort: number | null;
  alive: boolean;
  /** A stop is under way: a start must wait for the exit instead of returning this agent. */
  stopping: boolean;
}

export interface ManagerOptions {
  dataDir: string;
  /** Root-only folder for the host's own files (uid registry, identity files). */
  hostDir: string;
  agent: AgentCommand;
  sandbox: SandboxMode;
  uids: UidRegistry | null;
}

/**
 * Local runtimes share the machine's loopback, so two sessions whose template says "preview
 * on 3000" would fight over one port. Each runtime gets its own port from this range as $PORT
 * and the agent's preview proxy targets it; in a container the declared port is used as is.
 */
export const PREVIEW_PORT_RANGE = { from: 31000, to: 38999 };

/** One agent process per runtime id: started idempotently, watched, stopped by process group. */
export class RuntimeManager {
  private readonly entries = new Map<string, Entry>();
  // A random start keeps two hosts on one machine (dev stack, test stacks) apart.
  private nextPreviewPort = PREVIEW_PORT_RANGE.from + Math.floor(Math.random() * (PREVIEW_PORT_RANGE.to - PREVIEW_PORT_RANGE.from));

  constructor(private readonly opts: ManagerOptions) {}

  runtimeDir(runtimeId: string): string {
    return path.join(this.opts.dataDir, runtimeId);
  }

  /** Concurrent starts of one id share the same agent. */
  async start(body: StartRuntimeBody): Promise<RuntimeInfo> {
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

  /** Synchronous, for process exit: every agent group gets SIGKILL. */
  killAll(): void {
    for (const entry of this.entries.values()) if (entry.alive) signalGroup(entry.child, "SIGKILL");
  }

  private spawnAgent(body: StartRuntimeBody): Promise<RuntimeInfo> {
    const dir = this.runtimeDir(body.runtimeId);
    const workspaceDir = path.join(dir, "workspace");
    const agentDataDir = path.join(dir, "agent");
    const uid = this.opts.sandbox === "uid" && this.opts.uids ? this.opts.uids.uidFor(body.runtimeId) : null;
    if (body.fresh) fs.rmSync(workspaceDir, { recursive: true, force: true });
    for (const d of [dir, workspaceDir, agentDataDir]) {
      fs.mkdirSync(d, { recursive: true, mode: 0o700 });
      if (uid !== null) fs.chownSync(d, uid, uid);
    }
    const token = randomBytes(32).toString("base64url");
    const previewPort = body.previewPort ? this.allocatePreviewPort() : null;
    const env: Record<string, string> = {};
    for (const name of INHERITED_ENV) if (process.env[name]) env[name] = process.env[name]!;
    Object.assign(env, body.env, {
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
    const identity = uid !== null ? writeIdentityFiles(this.opts.hostDir, body.runtimeId, uid, workspaceDir) : null;
    const command = sandboxed(this.opts.sandbox, uid, this.opts.agent.file, this.opts.agent.args, identity);
    const log = fs.createWriteStream(path.join(dir, "agent.log"), { flags: "a" });
    const child = spawn(command.file, command.args, { cwd: workspaceDir, env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    child.stderr?.pipe(log, { end: false });
    const entry: Entry = {
      info: null,
      child,
      alive: true,
      stopping: false,
      ready: Promise.resolve(null as never),
      exited: Promise.resolve(),
      previewPort,
    };
    entry.exited = new Promise<void>((resolve) => {
      const gone = (why: string) => {
        if (!entry.alive) return;
        entry.alive = false;
        log.write(`[host] agent ${why}\n`);
        if (this.entries.get(body.runtimeId) === entry) this.entries.delete(body.runtimeId);
        resolve();
      };
      child.on("exit", (code, signal) => gone(`exited code=${code} signal=${signal}`));
      // A spawn failure emits "error" and never "exit".
      child.on("error", (err) => gone(`could not be spawned: ${err.message}`));
    });
    entry.ready = this.awaitReady(child, body.runtimeId, token, workspaceDir, log).then((info) => {
      entry.info = info;
      return info;
    });
    entry.ready.catch((err: Error) => {
      log.write(`[host] start failed: ${err.message}\n`);
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
    log: fs.WriteStream,
  ): Promise<RuntimeInfo> {
    return new Promise<RuntimeInfo>((resolve, reject) => {
      const fail = (message: string) => {
        clearTimeout(timer);
        reject(new ApiError("runtime_unavailable", `agent for ${runtimeId} did not start: ${message}`));
      };
      const timer = setTimeout(() => fail(`no ready signal within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
      child.once("exit", (code, signal) =>
        fail(`exited early (code ${code}, signal ${signal}); see ${path.dirname(workspaceDir)}/agent.log`),
      );
      const lines = createInterface({ input: child.stdout! });
      let ready = false;
      lines.on("line", (line) => {
        log.write(`${line}\n`);
        if (ready) return;
        let message: { event?: string; port?: number };
        try {
          message = JSON.parse(line);
        } catch {
          return;
        }
        if (message.event !== "listening" || !message.port) return;
        ready = true;
        const info: RuntimeInfo = {
          runtimeId,
          agentURL: `http://127.0.0.1:${message.port}`,
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
