import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * How agents are contained on this machine.
 * - "uid": the host runs as root: each runtime gets its own unprivileged uid (0700 folders)
 *   and its own PID namespace (it sees only its processes; all of them die with its agent).
 * - "plain": no privileges to do either: ordinary child processes in their own process group.
 */
export type SandboxMode = "uid" | "plain";

export function detectSandbox(): SandboxMode {
  if (process.env.BURSTFLARE_SANDBOX === "plain") return "plain";
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return "plain";
  const probe = spawnSync(
    "unshare",
    ["--pid", "--fork", "--kill-child", "--mount-proc", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "true"],
    {
      stdio: "ignore",
      timeout: 5000,
    },
  );
  return probe.status === 0 ? "uid" : "plain";
}

const FIRST_UID = 200_000;

/** Stable uid per runtime id, persisted in a root-only file so a workspace keeps its owner across restarts. */
export class UidRegistry {
  private readonly file: string;
  private uids: Record<string, number>;

  constructor(hostDir: string) {
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
    const uid = Math.max(FIRST_UID - 1, ...Object.values(this.uids)) + 1;
    this.uids[runtimeId] = uid;
    fs.writeFileSync(`${this.file}.tmp`, JSON.stringify(this.uids), { mode: 0o600 });
    fs.renameSync(`${this.file}.tmp`, this.file);
    return uid;
  }
}

/** Wraps the agent command for the sandbox mode. */
export function sandboxed(mode: SandboxMode, uid: number | null, file: string, args: string[]): { file: string; args: string[] } {
  if (mode === "plain" || uid === null) return { file, args };
  return {
    file: "unshare",
    args: [
      "--pid",
      "--fork",
      "--kill-child",
      "--mount-proc",
      "setpriv",
      `--reuid=${uid}`,
      `--regid=${uid}`,
      "--clear-groups",
      file,
      ...args,
    ],
  };
}
