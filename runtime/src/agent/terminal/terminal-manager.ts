import { ApiError } from "../../../../sdk/errors";
import type { TerminalInfo } from "../../../../sdk/protocol/agent";
import type { ActivityTracker } from "../activity/activity-tracker";
import type { AgentConfig } from "../config";
import { loginShell, shellEnv } from "../shell";
import { TerminalSession } from "./terminal-session";

const MAX_TERMINALS = 16;

/** The runtime's terminals by id; a terminal lives until its shell exits or the agent stops. */
export class TerminalManager {
  private readonly sessions = new Map<string, TerminalSession>();

  constructor(
    private readonly config: AgentConfig,
    private readonly activity: ActivityTracker,
  ) {}

  open(id: string, cols: number, rows: number): TerminalSession {
    const existing = this.sessions.get(id);
    if (existing?.alive) return existing;
    if (this.sessions.size >= MAX_TERMINALS) throw new ApiError("conflict", `at most ${MAX_TERMINALS} terminals per runtime`);
    const shell = loginShell();
    const session = new TerminalSession(
      id,
      { file: shell.file, args: shell.loginArgs, cwd: this.config.workspace, env: shellEnv(this.config), cols, rows },
      {
        onOutput: () => this.activity.touch("terminal"),
        onExit: (s) => {
          if (this.sessions.get(s.id) === s) this.sessions.delete(s.id);
        },
      },
    );
    this.sessions.set(id, session);
    return session;
  }

  list(): TerminalInfo[] {
    return [...this.sessions.values()].map((s) => ({ id: s.id, pid: s.pty.pid, cols: s.cols, rows: s.rows, clients: s.clientCount }));
  }

  killAll(): void {
    for (const s of this.sessions.values()) s.kill();
  }
}
