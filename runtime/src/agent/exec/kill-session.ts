import { readdirSync, readFileSync } from "node:fs";

/**
 * Ends everything in a Unix session: the leader's process group and every other group in it (a
 * shell's background jobs each get their own group, so a group kill alone leaves them). Commands,
 * background processes and terminal shells each lead their own session, so revoking who started
 * one reaches all it spawned, short of a child that called setsid() itself. Returns how many
 * processes were signalled.
 */
export function killSession(sid: number | null | undefined, signal: NodeJS.Signals = "SIGKILL"): number {
  if (!sid || sid <= 1) return 0;
  let signalled = 0;
  for (const pid of sessionMembers(sid)) {
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
  if (!sid || sid <= 1 || sessionMembers(sid).length === 0) {
    forget();
    return;
  }
  const timer = setInterval(() => {
    if (sessionMembers(sid).length > 0) return;
    clearInterval(timer);
    forget();
  }, everyMs);
  timer.unref();
}

/** The pids whose session id is `sid` (field 6 of /proc/<pid>/stat, after the command in parentheses). */
function sessionMembers(sid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[3]) === sid) pids.push(Number(entry));
  }
  return pids;
}
