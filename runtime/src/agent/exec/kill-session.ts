import { readdirSync, readFileSync } from "node:fs";

/**
 * Ends everything in a Unix session: the leader's process group and every other group in it (a
 * shell's background jobs each get their own group, so a group kill alone leaves them). Commands,
 * background processes, terminal shells and SSH channels each lead their own session, so revoking
 * who started one reaches all it spawned, short of a child that called setsid() itself. Returns how
 * many processes were signalled.
 */
export function killSession(sid: number | null | undefined, signal: NodeJS.Signals = "SIGKILL"): number {
  if (!sid || sid <= 1) return 0;
  let signalled = 0;
  for (const { pid } of processes().filter((p) => p.sid === sid)) {
    try {
      process.kill(pid, signal);
      signalled++;
    } catch {}
  }
  return signalled;
}

/** How often a finished command's Unix session is looked at while jobs it left behind still run. */
const LINGER_CHECK_MS = 5_000;

/**
 * Forgets a finished command's revocation hook only once nothing is left in its Unix session: a job
 * it put in the background (`cmd &`, `nohup`) outlives the command and must stay revocable with it.
 * A pid is not handed out again while it still names a live session, so the hook cannot reach a
 * stranger's work.
 */
export function forgetWhenSessionEnds(sid: number | null | undefined, forget: () => void, everyMs = LINGER_CHECK_MS): void {
  if (!sid || sid <= 1 || !inUse(sid)) {
    forget();
    return;
  }
  const timer = setInterval(() => {
    if (inUse(sid)) return;
    clearInterval(timer);
    forget();
  }, everyMs);
  timer.unref();
}

/** Whether any process is left in the Unix session `sid`. */
const inUse = (sid: number): boolean => processes().some((p) => p.sid === sid);

interface ProcessStat {
  pid: number;
  sid: number;
  /** When it started (field 22 of its stat, in clock ticks since boot): tells a reused pid apart. */
  start: string;
}

/** Every process's pid, session id and start time (fields 6 and 22 of /proc/<pid>/stat, after the command in parentheses). */
function processes(): ProcessStat[] {
  const found: ProcessStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    found.push({ pid: Number(entry), sid: Number(fields[3]), start: fields[19] ?? "" });
  }
  return found;
}

/**
 * The Unix sessions started for each user (SSH channels), kept while any process is left in them:
 * a `nohup` job outlives the channel that started it, and still ends when its user loses access.
 * A session is known by its id and its leader's start time, so one whose id the kernel gave to a
 * new leader after the old session emptied is forgotten, never killed.
 */
export class OwnedSessions {
  private readonly byUser = new Map<string, Map<number, string>>();

  /** Records the session `leader` (just started, with setsid) leads for `userId`. */
  add(userId: string, leader: number | undefined): void {
    const all = processes();
    this.prune(all);
    const start = all.find((p) => p.pid === leader)?.start;
    if (!leader || start === undefined) return;
    const sessions = this.byUser.get(userId) ?? new Map<number, string>();
    sessions.set(leader, start);
    this.byUser.set(userId, sessions);
  }

  /** Ends every session `userId` started that still has processes. Returns how many processes were signalled. */
  killOwnedBy(userId: string): number {
    this.prune(processes());
    const sessions = this.byUser.get(userId);
    this.byUser.delete(userId);
    let signalled = 0;
    for (const sid of sessions?.keys() ?? []) signalled += killSession(sid);
    return signalled;
  }

  /** Forgets sessions with no process left, and ids now led by another process. */
  private prune(all: ProcessStat[]): void {
    const live = new Set(all.map((p) => p.sid));
    const leaders = new Map(all.map((p) => [p.pid, p.start]));
    for (const [userId, sessions] of this.byUser) {
      for (const [sid, start] of sessions) {
        const leaderStart = leaders.get(sid);
        if (!live.has(sid) || (leaderStart !== undefined && leaderStart !== start)) sessions.delete(sid);
      }
      if (sessions.size === 0) this.byUser.delete(userId);
    }
  }
}
