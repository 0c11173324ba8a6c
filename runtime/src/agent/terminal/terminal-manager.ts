import { ApiError } from "@burstflare/sdk/errors";
import type { TerminalInfo } from "@burstflare/sdk/protocol/agent";
import type { ActivityTracker } from "../activity/activity-tracker";
import type { AgentConfig } from "../config";
import { killSession } from "../exec/kill-session";
import { MemberGroups } from "../exec/member-groups";
import { loginShell, shellEnv } from "../shell";
import { TerminalSession } from "./terminal-session";

/**
 * Per user, so a member who opens many cannot lock the owner (or anyone else) out. No cap per
 * runtime on top: it guarded only memory (a shell and a 256 KB replay buffer each), which stays
 * bounded by the members with access times this, and one would bring the lock-out back.
 */
const MAX_TERMINALS_PER_USER = 16;
const NOT_SHARED = "this terminal belongs to another user who has not shared it";

/** Who is opening or attaching: the user named by the control plane (null without one). */
interface TerminalOpener {
  userId: string | null;
  /** The owner's `shared=1` / `shared=0`: whether other users may attach; undefined keeps it. */
  shared?: boolean;
}

/**
 * The runtime's terminals by id; a terminal lives until its shell exits or the agent stops.
 * A terminal belongs to the user who opened it: another user attaches only once the owner
 * shared it, since attaching means reading its output and typing into its shell.
 */
export class TerminalManager {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly access = new Map<TerminalSession, { ownerId: string | null; shared: boolean }>();
  /** Shells the platform is ending (endAll): their last output is not a person's activity. */
  private readonly ending = new Set<TerminalSession>();

  constructor(
    private readonly config: AgentConfig,
    private readonly activity: ActivityTracker,
  ) {}

  open(id: string, cols: number, rows: number, opener: TerminalOpener = { userId: null }): TerminalSession {
    const existing = this.sessions.get(id);
    if (existing?.alive) {
      const access = this.access.get(existing) ?? { ownerId: null, shared: false };
      if (access.ownerId !== opener.userId) {
        if (!access.shared) throw new ApiError("forbidden", NOT_SHARED);
      } else if (opener.shared !== undefined) {
        access.shared = opener.shared;
        // Un-sharing ends the other users' sockets already attached, not only their next attach.
        if (!access.shared) existing.detachOthers(access.ownerId, NOT_SHARED);
      }
      this.access.set(existing, access);
      return existing;
    }
    const owned = [...this.access.values()].filter((a) => a.ownerId === opener.userId).length;
    if (owned >= MAX_TERMINALS_PER_USER) throw new ApiError("conflict", `at most ${MAX_TERMINALS_PER_USER} terminals of yours per runtime`);
    const shell = loginShell();
    // The shell belongs to the user, not to the credential that opened it: it runs in their member group.
    const launch = MemberGroups.launch(opener.userId ? { userId: opener.userId } : null, shell.file, shell.loginArgs);
    const session = new TerminalSession(
      id,
      { file: launch.file, args: launch.args, cwd: this.config.workspace, env: shellEnv(this.config), cols, rows },
      {
        onOutput: () => {
          if (!this.ending.has(session)) this.activity.touch("terminal");
        },
        onExit: (s) => {
          if (this.sessions.get(s.id) === s) this.sessions.delete(s.id);
          this.access.delete(s);
        },
      },
    );
    launch.placed(session.pty.pid);
    this.sessions.set(id, session);
    this.access.set(session, { ownerId: opener.userId, shared: opener.shared ?? false });
    return session;
  }

  list(): TerminalInfo[] {
    return [...this.sessions.values()].map((s) => ({ id: s.id, pid: s.pty.pid, cols: s.cols, rows: s.rows, clients: s.clientCount }));
  }

  /** Ends the shells of the terminals `userId` opened, with everything they run (they lost access). */
  killOwnedBy(userId: string): number {
    let ended = 0;
    for (const s of this.sessions.values()) {
      if (this.access.get(s)?.ownerId !== userId) continue;
      killSession(s.pty.pid);
      ended++;
    }
    return ended;
  }

  killAll(): void {
    for (const s of this.sessions.values()) s.kill();
  }

  /**
   * Ends every shell (SIGHUP to its group) and waits, up to `timeoutMs`, until they exited: what a
   * shell writes on its way out (its history) then lands before a final snapshot, not after it.
   * Answers how many were still alive when the wait ended.
   */
  async endAll(timeoutMs: number): Promise<number> {
    const ending = [...this.sessions.values()];
    for (const s of ending) this.ending.add(s);
    this.killAll();
    const deadline = Date.now() + timeoutMs;
    const alive = () => ending.filter((s) => s.alive).length;
    while (alive() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const s of ending) this.ending.delete(s);
    return alive();
  }
}
