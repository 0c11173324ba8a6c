import { randomBytes } from "node:crypto";
import { ApiError } from "@burstflare/sdk/errors";
import type { Principal } from "@burstflare/sdk/protocol/agent";
import {
  PROCESS_OUTPUT_KEEP,
  PROCESSES_MAX,
  type ProcessInfo,
  type ProcessOutput,
  type StartProcessBody,
} from "@burstflare/sdk/protocol/automation";
import type { ActivityTracker } from "../activity/activity-tracker";
import type { AgentConfig } from "../config";
import type { ConnectionRegistry } from "../connections/connection-registry";
import type { WorkspacePaths } from "../files/workspace-paths";
import { forgetWhenSessionEnds, killSession } from "./kill-session";
import { ownerOf } from "./member-groups";
import { killGroup, spawnCommand } from "./spawn-command";

interface Managed {
  info: ProcessInfo;
  /** The user who started it (PROCESS_OWNER_HEADER); only they see it. */
  owner: string | null;
  /** The last PROCESS_OUTPUT_KEEP bytes of output; `base` is the offset of its first byte. */
  output: Buffer;
  base: number;
  exited: Promise<void>;
}

/**
 * Background processes, held by the agent rather than by a request: they keep running when the
 * caller disconnects, and the user who started one can list, read, signal and wait on it (another
 * member gets not_found). At most PROCESSES_MAX are kept per user; their oldest exited ones make room.
 * Each is registered under the principal that started it: revoking that credential, or the user's
 * access, ends it (a disconnect does not).
 */
export class ProcessManager {
  private readonly processes = new Map<string, Managed>();

  constructor(
    private readonly config: AgentConfig,
    private readonly paths: WorkspacePaths,
    private readonly activity: ActivityTracker,
    private readonly connections: ConnectionRegistry,
  ) {}

  async start(body: StartProcessBody, owner: string | null = null, principal: Principal | null = null): Promise<ProcessInfo> {
    this.makeRoom(owner);
    const { child, display, cwd } = await spawnCommand(this.config, this.paths, body, ownerOf(principal));
    child.stdin.on("error", () => {});
    child.stdin.end();
    const id = `prc_${randomBytes(9).toString("base64url")}`;
    const managed: Managed = {
      info: {
        id,
        pid: child.pid ?? null,
        command: display,
        cwd,
        state: "running",
        exitCode: null,
        signal: null,
        startedAt: Date.now(),
        endedAt: null,
        outputBytes: 0,
      },
      owner,
      output: Buffer.alloc(0),
      base: 0,
      exited: Promise.resolve(),
    };
    const append = (chunk: Buffer) => {
      this.activity.touch("files");
      managed.info.outputBytes += chunk.length;
      const joined = Buffer.concat([managed.output, chunk]);
      const drop = Math.max(0, joined.length - PROCESS_OUTPUT_KEEP);
      managed.output = drop ? joined.subarray(drop) : joined;
      managed.base += drop;
    };
    child.stdout.on("data", append);
    child.stderr.on("data", append);
    managed.exited = new Promise((resolve) => {
      const finish = (code: number | null, signal: string | null) => {
        if (managed.info.state === "exited") return;
        Object.assign(managed.info, { state: "exited", exitCode: code, signal, endedAt: Date.now() });
        resolve();
      };
      child.on("error", (err) => {
        append(Buffer.from(`failed to start: ${err.message}\n`));
        finish(127, null);
      });
      // `exit`, not `close`: a daemon the process left behind may hold the pipes open.
      child.on("exit", (code, signal) => finish(code, signal));
    });
    const forget = this.connections.track(principal, () => killSession(child.pid));
    void managed.exited.then(() => forgetWhenSessionEnds(child.pid, forget));
    this.processes.set(id, managed);
    return { ...managed.info };
  }

  list(owner: string | null = null): ProcessInfo[] {
    return [...this.processes.values()].filter((m) => m.owner === owner).map((m) => ({ ...m.info }));
  }

  get(id: string, owner: string | null = null): ProcessInfo {
    return { ...this.find(id, owner).info };
  }

  output(id: string, offset: number, owner: string | null = null): ProcessOutput {
    const m = this.find(id, owner);
    const from = Math.max(offset, m.base);
    const end = m.base + m.output.length;
    const slice = from >= end ? Buffer.alloc(0) : m.output.subarray(from - m.base);
    return {
      data: slice.toString("utf8"),
      offset: Math.min(from, end),
      nextOffset: end,
      droppedBefore: m.base,
      state: m.info.state,
      exitCode: m.info.exitCode,
    };
  }

  signal(id: string, signal: NodeJS.Signals, owner: string | null = null): ProcessInfo {
    const m = this.find(id, owner);
    if (m.info.state === "exited") throw new ApiError("invalid_state", "the process has exited");
    killGroup(m.info.pid ?? undefined, signal);
    return { ...m.info };
  }

  async wait(id: string, timeoutMs: number, owner: string | null = null): Promise<ProcessInfo> {
    const m = this.find(id, owner);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([m.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return { ...m.info };
  }

  private find(id: string, owner: string | null): Managed {
    const m = this.processes.get(id);
    // Another user's process answers exactly like a missing one.
    if (!m || m.owner !== owner) throw new ApiError("not_found", "no such process");
    return m;
  }

  /** The cap is per user, so one member filling it cannot stop another starting processes. */
  private makeRoom(owner: string | null): void {
    const owned = [...this.processes.values()].filter((m) => m.owner === owner);
    if (owned.length < PROCESSES_MAX) return;
    const oldestExited = owned.find((m) => m.info.state === "exited");
    if (!oldestExited) throw new ApiError("rate_limited", `at most ${PROCESSES_MAX} of your background processes run at once`);
    this.processes.delete(oldestExited.info.id);
  }
}
