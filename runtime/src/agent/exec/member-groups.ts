import { type ChildProcessByStdio, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
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

const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** How a process starts for its owner: spawn `file args`, then call placed() with its pid at once. */
export interface Launch {
  file: string;
  args: string[];
  placed: (pid: number | undefined) => void;
}

export class MemberGroups {
  private static current: MemberGroups | null = null;
  private readonly waiting: ((answer: boolean) => void)[] = [];
  private alive = true;
  /** The credential groups made so far and whom they are for, for revocations naming a credential. */
  private readonly credentialGroups = new Map<string, Required<GroupOwner>>();

  private constructor(
    private readonly helper: ChildProcessByStdio<Writable, Readable, null>,
    /** This runtime's group as /proc/<pid>/cgroup names it (after "0::"). */
    private readonly own: string,
    private readonly sleep: string,
    private readonly shell: string,
  ) {
    createInterface({ input: helper.stdout }).on("line", (line) => this.waiting.shift()?.(line === "ok"));
    helper.on("exit", () => {
      this.alive = false;
      for (const answer of this.waiting.splice(0)) answer(false);
    });
    helper.stdin.on("error", () => {});
  }

  /**
   * Starts the helper; only as root, before the agent drops to the runtime uid. `mount` is where
   * the cgroup2 hierarchy is mounted; the agent's own group there must be the runtime's (not the
   * root) and offer cgroup.kill. Throws otherwise: the host said member groups work here.
   */
  static open(mount: string): void {
    const line = fs
      .readFileSync("/proc/self/cgroup", "utf8")
      .split("\n")
      .find((l) => l.startsWith("0::"));
    const own = line?.slice(3) ?? "";
    if (!own.startsWith("/") || own === "/" || own.includes("..")) throw new Error(`the agent is in no runtime cgroup: ${line}`);
    const dir = `${mount}${own}`;
    if (!fs.existsSync(`${dir}/cgroup.kill`)) throw new Error(`no cgroup.kill in ${dir}`);
    const found = (names: string[]) => names.find((p) => fs.existsSync(p));
    const sleep = found(["/usr/bin/sleep", "/bin/sleep"]);
    const shell = found(["/bin/sh", "/usr/bin/sh"]);
    if (!sleep || !shell) throw new Error("no sh or sleep for member groups");
    const helper = spawn(shell, ["-c", HELPER, "bf-groups", dir], { stdio: ["pipe", "pipe", "inherit"], env: {} });
    MemberGroups.current = new MemberGroups(helper, own, sleep, shell);
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

  private ask(request: string): Promise<boolean> {
    if (!this.alive) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.helper.stdin.write(`${request}\n`);
    });
  }
}
