import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * How agents are contained on this machine.
 * - "uid": the host runs as root: each runtime gets its own unprivileged uid (0700 folders)
 *   and its own PID + mount namespace (it sees only its processes; all die with its agent).
 * - "plain": no privileges for either: ordinary child processes in their own process group.
 */
export type SandboxMode = "uid" | "plain";

export interface IdentityFiles {
  passwd: string;
  group: string;
}

export function detectSandbox(): SandboxMode {
  if (process.env.BURSTFLARE_SANDBOX === "plain") return "plain";
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "plain";
  const wrapped = sandboxed("uid", 65534, "true", [], { passwd: "/etc/passwd", group: "/etc/group" });
  const probe = spawnSync(wrapped.file, wrapped.args, { stdio: "ignore", timeout: 5000 });
  return probe.status === 0 ? "uid" : "plain";
}

const FIRST_UID = 200_000;
const UID_SPAN = 800_000;

/**
 * Stable uid per runtime id, persisted in a root-only file so a workspace keeps its owner
 * across restarts. The first choice is a hash of data dir + id, so two hosts on one machine
 * (side-by-side test runs) are unlikely to hand out the same uid.
 */
export class UidRegistry {
  private readonly file: string;
  private uids: Record<string, number>;

  constructor(
    hostDir: string,
    private readonly salt: string,
  ) {
    this.file = path.join(hostDir, "uids.json");
    try {
      this.uids = JSON.parse(fs.readFileSync(this.file, "utf8")) as Record<string, number>;
    } catch {
      this.uids = {};
    }
  }

  uidFor(runtimeId: string): number {
    const known = this.uids[runtimeId];
    if (known !== undefined) return known;
    const taken = new Set(Object.values(this.uids));
    let offset = createHash("sha256").update(`${this.salt}\0${runtimeId}`).digest().readUInt32BE(0) % UID_SPAN;
    while (taken.has(FIRST_UID + offset)) offset = (offset + 1) % UID_SPAN;
    const uid = FIRST_UID + offset;
    this.uids[runtimeId] = uid;
    fs.writeFileSync(`${this.file}.tmp`, JSON.stringify(this.uids), { mode: 0o600 });
    fs.renameSync(`${this.file}.tmp`, this.file);
    return uid;
  }
}

/**
 * The runtime's own /etc/passwd and /etc/group (the machine's plus its `dev` user), so tools
 * that look the user up (sftp-server, ssh, whoami, git) work for a uid the machine does not know.
 */
export function writeIdentityFiles(dir: string, runtimeId: string, uid: number, home: string): IdentityFiles {
  const withoutDev = (file: string) =>
    (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "")
      .split("\n")
      .filter((line) => line && !line.startsWith("dev:"))
      .join("\n");
  const passwd = path.join(dir, `passwd-${runtimeId}`);
  const group = path.join(dir, `group-${runtimeId}`);
  fs.writeFileSync(passwd, `${withoutDev("/etc/passwd")}\ndev:x:${uid}:${uid}:BurstFlare runtime:${home}:/bin/bash\n`, { mode: 0o644 });
  fs.writeFileSync(group, `${withoutDev("/etc/group")}\ndev:x:${uid}:\n`, { mode: 0o644 });
  return { passwd, group };
}

/**
 * Wraps the agent command for the sandbox mode: new PID and mount namespaces (the agent is
 * pid 1, so everything in the runtime dies with it), the identity files bound over /etc
 * (private to that mount namespace), then the runtime's uid.
 */
export function sandboxed(
  mode: SandboxMode,
  uid: number | null,
  file: string,
  args: string[],
  identity: IdentityFiles | null,
): { file: string; args: string[] } {
  if (mode === "plain" || uid === null || !identity) return { file, args };
  const script = `mount --bind "$0" /etc/passwd && mount --bind "$1" /etc/group && shift && exec setpriv --reuid=${uid} --regid=${uid} --clear-groups "$@"`;
  return {
    file: "unshare",
    args: ["--pid", "--fork", "--kill-child", "--mount-proc", "/bin/sh", "-c", script, identity.passwd, identity.group, file, ...args],
  };
}
