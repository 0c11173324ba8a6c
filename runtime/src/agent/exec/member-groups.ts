import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { type ConnectionCredential, type ConnectionMatch, type Principal, principalMatches } from "@burstflare/sdk/protocol/agent";

/**
 * Every process the agent starts for a member runs in a cgroup of that member's (v2, under the
 * runtime's own group): `u-<user>` for what belongs to the user (terminal shells, SSH channels),
 * `u-<user>/c-<credential>` for what a credential started (commands, background processes).
 * Leaving a Unix session (setsid, a double fork, a daemon) does not leave a cgroup, and the
 * session's uid cannot move a process between groups: the group files belong to root. Revoking
 * access writes cgroup.kill, which ends the whole group at once, forks racing it included.
 *
 * Only root may create groups and move processes, and the agent stops being root at its first
 * line (drop-privileges.ts). So before that, it starts a small root helper that does exactly
 * three things on request (create a group, place a pid in it, kill it) and talks to the agent
 * alone, over its stdin and stdout: the session's code runs as another uid and can neither signal
 * it nor reach its pipes. Its PATH is fixed, never the session's.
 *
 * A process is started through WRAPPER, which waits until the helper has placed it and only then
 * execs what was asked for: nothing of the member's runs before it is in the member's group. If
 * it is not placed in time, it ends without running anything.
 *
 * In a container the session's code runs as root, as the agent does, so ownership of the group
 * files keeps nobody out. There runtime/container-start.sh starts the helper (adopt()) where the
 * local engine set it up: in a mount namespace of its own, the only place the container's cgroup2
 * hierarchy is writable, holding CAP_SYS_ADMIN, which nothing else in the container keeps. Losing
 * the helper ends the agent (session code, root, can signal it): revocations would no longer reach
 * detached work.
 *
 * Where they cannot work (no cgroup2 hierarchy with cgroup.kill, or session code that runs as the
 * agent's own user with no such helper) the agent says so when it starts and in GET /health
 * (report()): a revoked member's detached processes then run on until the session stops.
 */

/** Whose group a process joins: the user, and for a credential's work, that credential. */
export interface GroupOwner {
  userId: string;
  credential?: ConnectionCredential;
}

/** A credential's work (a command, a background process) belongs to the credential's group. */
export const ownerOf = (p: Principal | null): GroupOwner | null => (p?.userId ? { userId: p.userId, credential: p.credential } : null);

const HEX16 = "[0-9a-f]".repeat(16);

/** Root; $1 is the runtime's cgroup folder. One request a line, one answer (ok/no) a line. */
const HELPER = `PATH=/usr/sbin:/usr/bin:/sbin:/bin
base=$1
while IFS=' ' read -r op group pid; do
  case $group in u-${HEX16}|u-${HEX16}/c-${HEX16}) ;; *) echo no; continue;; esac
  dir=$base/$group
  case $op in
    place)
      case $pid in ''|*[!0-9]*) echo no; continue;; esac
      if { [ -d "$dir" ] || mkdir -p "$dir"; } 2>/dev/null && { echo "$pid" > "$dir/cgroup.procs"; } 2>/dev/null; then echo ok; else echo no; fi;;
    kill)
      if [ ! -d "$dir" ] || { echo 1 > "$dir/cgroup.kill"; } 2>/dev/null; then echo ok; else echo no; fi;;
    *) echo no;;
  esac
done`;

/** The member's process until it is in its group: builtins and an absolute `sleep` only. */
const WRAPPER = `bf_want=$1 bf_sleep=$2 bf_n=0; shift 2
while :; do
  bf_in=
  while IFS= read -r bf_line; do [ "$bf_line" = "$bf_want" ] && bf_in=1; done < /proc/self/cgroup
  if [ -n "$bf_in" ]; then unset bf_want bf_sleep bf_n bf_in bf_line; exec "$@"; fi
  bf_n=$((bf_n + 1))
  if [ "$bf_n" -gt 1000 ]; then echo "burstflare: this process was not placed in its member's group" >&2; exit 126; fi
  "$bf_sleep" 0.005
done`;

/** This process's cgroup2 group, as /proc/self/cgroup names it (after "0::"). */
function ownGroup(): string {
  const line = fs
    .readFileSync("/proc/self/cgroup", "utf8")
    .split("\n")
    .find((l) => l.startsWith("0::"));
  return line?.slice(3) ?? "";
}

/** The absolute sh and sleep the helper and WRAPPER run. */
function tools(): { sleep: string; shell: string } {
  const found = (names: string[]) => names.find((p) => fs.existsSync(p));
  const sleep = found(["/usr/bin/sleep", "/bin/sleep"]);
  const shell = found(["/bin/sh", "/usr/bin/sh"]);
  if (!sleep || !shell) throw new Error("no sh or sleep for member groups");
  return { sleep, shell };
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** How a process starts for its owner: spawn `file args`, then call placed() with its pid at once. */
export interface Launch {
  file: string;
  args: string[];
  placed: (pid: number | undefined) => void;
}

/** Whether member groups are on; when not, why (GET /health). */
export interface MemberGroupsReport {
  on: boolean;
  reason: string | null;
}

/** The helper's pipes, as the agent holds them. */
interface HelperPipes {
  requests: Writable;
  answers: Readable;
}

/** How long the helper may take to answer: a helper that stops answering counts as lost. */
const ANSWER_MS = 15_000;

export class MemberGroups {
  private static current: MemberGroups | null = null;
  private static offReason = "not started";
  private readonly waiting: ((answer: boolean) => void)[] = [];
  private alive = true;
  /** Settles once the helper runs its script (at once for a helper started with it). */
  private readonly ready: Promise<boolean>;
  /** The credential groups made so far and whom they are for, for revocations naming a credential. */
  private readonly credentialGroups = new Map<string, Required<GroupOwner>>();

  private constructor(
    private readonly pipes: HelperPipes,
    /** This runtime's group as /proc/<pid>/cgroup names it (after "0::"); "" at a cgroup namespace's root. */
    private readonly own: string,
    private readonly sleep: string,
    private readonly shell: string,
    /** For a helper that reads its script first (container-start.sh's): the script, which answers ok once running. */
    script?: string,
  ) {
    createInterface({ input: pipes.answers }).on("line", (line) => this.waiting.shift()?.(line === "ok"));
    pipes.answers.on("close", () => this.lost("exited"));
    pipes.requests.on("error", () => {});
    if (script === undefined) this.ready = Promise.resolve(true);
    else {
      this.ready = this.answer();
      pipes.requests.write(`${Buffer.from(script).toString("base64")}\n`);
    }
  }

  /**
   * Starts the helper; only as root, before the agent drops to the runtime uid. `mount` is where
   * the cgroup2 hierarchy is mounted; the agent's own group there must be the runtime's (not the
   * root) and offer cgroup.kill. Throws otherwise: the host said member groups work here.
   */
  static open(mount: string): void {
    const own = ownGroup();
    if (!own.startsWith("/") || own === "/" || own.includes("..")) throw new Error(`the agent is in no runtime cgroup: 0::${own}`);
    const dir = `${mount}${own}`;
    if (!fs.existsSync(`${dir}/cgroup.kill`)) throw new Error(`no cgroup.kill in ${dir}`);
    const { sleep, shell } = tools();
    const helper = spawn(shell, ["-c", HELPER, "bf-groups", dir], { stdio: ["pipe", "pipe", "inherit"], env: {} });
    MemberGroups.current = new MemberGroups({ requests: helper.stdin, answers: helper.stdout }, own, sleep, shell);
  }

  /**
   * Takes over the helper runtime/container-start.sh started for a container (its pipes are fds 3
   * and 4; it runs as root, where the container's cgroup2 hierarchy is writable, with a capability
   * the session's code lacks) and sends it its script. The agent is at the root of the container's
   * cgroup namespace, the runtime's group, and its members' groups go below.
   */
  static adopt(): void {
    const own = ownGroup();
    if (own !== "/") throw new Error(`the agent is not at its cgroup namespace's root: 0::${own}`);
    const { sleep, shell } = tools();
    const answers = new net.Socket({ fd: 3, readable: true, writable: false });
    const requests = new net.Socket({ fd: 4, readable: false, writable: true });
    MemberGroups.current = new MemberGroups({ requests, answers }, "", sleep, shell, `echo ok\n${HELPER}`);
  }

  /** Records that member groups are off here and why, and says so on the agent's stderr. */
  static off(reason: string): void {
    MemberGroups.offReason = reason;
    process.stderr.write(`agent: member groups off: ${reason}; a revoked member's detached processes run until the session stops\n`);
  }

  static report(): MemberGroupsReport {
    if (MemberGroups.current) return { on: true, reason: null };
    return { on: false, reason: MemberGroups.offReason };
  }

  /** How to start `file args` for `owner`: in the owner's group when member groups are on. */
  static launch(owner: GroupOwner | null, file: string, args: string[]): Launch {
    const groups = MemberGroups.current;
    if (!groups || !owner) return { file, args, placed: () => {} };
    return groups.launchIn(groups.groupOf(owner), file, args);
  }

  /** Kills the groups of the work `match` revokes: the user's whole group when they lost access. */
  static async kill(match: ConnectionMatch): Promise<void> {
    const groups = MemberGroups.current;
    if (!groups) return;
    const doomed = new Set<string>();
    if (match.lostAccess && match.userId !== undefined) doomed.add(groups.groupOf({ userId: match.userId }));
    for (const [group, owner] of groups.credentialGroups) if (principalMatches(owner, match)) doomed.add(group);
    const failed: string[] = [];
    for (const group of doomed) {
      if (!(await groups.ask(`kill ${group}`))) failed.push(group);
      else for (const known of groups.credentialGroups.keys()) if (known.startsWith(group)) groups.credentialGroups.delete(known);
    }
    if (failed.length) throw new Error(`could not kill member groups ${failed.join(", ")}`);
  }

  private groupOf(owner: GroupOwner): string {
    const user = `u-${hash(owner.userId)}`;
    if (!owner.credential) return user;
    const group = `${user}/c-${hash(`${owner.credential.kind}:${owner.credential.id}`)}`;
    this.credentialGroups.set(group, { userId: owner.userId, credential: owner.credential });
    return group;
  }

  private launchIn(group: string, file: string, args: string[]): Launch {
    return {
      file: this.shell,
      args: ["-c", WRAPPER, "bf-member", `0::${this.own}/${group}`, this.sleep, file, ...args],
      placed: (pid) => {
        if (!pid) return;
        void this.ask(`place ${group} ${pid}`).then((ok) => {
          if (ok) return;
          process.stderr.write(`agent: could not place process ${pid} in member group ${group}; ending it\n`);
          try {
            process.kill(pid, "SIGKILL");
          } catch {}
        });
      },
    };
  }

  private async ask(request: string): Promise<boolean> {
    if (!(await this.ready) || !this.alive) return false;
    const answered = this.answer();
    this.pipes.requests.write(`${request}\n`);
    return answered;
  }

  /** The helper's next answer. */
  private answer(): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.lost(`did not answer within ${ANSWER_MS / 1000} s`), ANSWER_MS);
      this.waiting.push((answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  /**
   * Without its helper, a revocation would no longer reach what a member detached (and, in a
   * container, where the session's code runs as root, killing or stopping the helper is how it
   * would try): the agent ends, and the runtime with it, rather than run on.
   */
  private lost(why: string): void {
    if (!this.alive) return;
    this.alive = false;
    for (const answer of this.waiting.splice(0)) answer(false);
    process.stderr.write(`agent: the member groups helper ${why}; ending the agent\n`);
    process.exit(1);
  }
}
