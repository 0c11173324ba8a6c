import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import fs from "node:fs";

/**
 * The helpers the host runs as root, by absolute path: nothing a session controls (PATH,
 * a file in the workspace) may decide which binary starts. Debian keeps them in /usr/bin
 * and /usr/sbin; older layouts have /bin and /sbin.
 */
const HELPERS = {
  sh: ["/bin/sh", "/usr/bin/sh"],
  mount: ["/usr/bin/mount", "/bin/mount"],
  mountpoint: ["/usr/bin/mountpoint", "/bin/mountpoint"],
  umount: ["/usr/bin/umount", "/bin/umount"],
  mkdir: ["/usr/bin/mkdir", "/bin/mkdir"],
  rm: ["/usr/bin/rm", "/bin/rm"],
  cat: ["/usr/bin/cat", "/bin/cat"],
  unshare: ["/usr/bin/unshare"],
  nsenter: ["/usr/bin/nsenter"],
  setpriv: ["/usr/bin/setpriv", "/bin/setpriv"],
  prlimit: ["/usr/bin/prlimit"],
  ip: ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"],
  nft: ["/usr/sbin/nft", "/sbin/nft"],
  ss: ["/usr/bin/ss", "/bin/ss", "/usr/sbin/ss", "/sbin/ss"],
  "mkfs.ext4": ["/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4"],
  losetup: ["/usr/sbin/losetup", "/sbin/losetup"],
} as const;
type Helper = keyof typeof HELPERS;

/** The only PATH any host-spawned helper sees. */
const SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const found = new Map<Helper, string | null>();

/** Absolute path of an executable helper, or null when this machine lacks it. */
export function helperPath(name: Helper): string | null {
  if (!found.has(name)) {
    const path =
      HELPERS[name].find((p) => {
        try {
          fs.accessSync(p, fs.constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }) ?? null;
    found.set(name, path);
  }
  return found.get(name) ?? null;
}

export function requireHelper(name: Helper): string {
  const path = helperPath(name);
  if (!path) throw new Error(`${name} is not installed (looked in ${HELPERS[name].join(", ")})`);
  return path;
}

/**
 * The environment every root helper starts with, built here and never taken from the host's
 * own environment (which a developer's shell shaped) or from a session.
 */
export function helperEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: SAFE_PATH, LANG: "C.UTF-8", ...extra };
}

/** Runs a helper to completion; throws with its stderr when it fails. */
export function runHelper(name: Helper, args: string[], opts: { input?: string; allowFailure?: boolean } = {}): SpawnSyncReturns<string> {
  const res = spawnSync(requireHelper(name), args, {
    env: helperEnv(),
    input: opts.input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    timeout: 10_000,
  });
  if (!opts.allowFailure && res.status !== 0) {
    const why = (res.stderr || res.error?.message || `exit ${res.status}`).trim();
    throw new Error(`${name} ${args.join(" ")}: ${why}`);
  }
  return res;
}
