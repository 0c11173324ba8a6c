import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { HostHealth } from "@burstflare/sdk/protocol/runtime-host";
import { RESOURCE_LIMITS, type ResourceLimits } from "@burstflare/sdk/resource-classes";
import { Cgroups } from "./cgroups";
import { RuntimeDisks, readOnlyPlan } from "./runtime-disk";
import { type NetLease, RUNTIME_NET_CIDR, RuntimeNetwork } from "./runtime-net";
import { helperEnv, requireHelper } from "./system";

/**
 * How agents are contained on this machine.
 * - "uid": the host runs as root and each runtime is isolated like a container: its own
 *   unprivileged uid (0700 folders), PID + mount + network namespaces, a private /tmp,
 *   no_new_privs and limits from its resource class.
 * - "plain": ordinary child processes sharing the machine (loopback, /tmp, the user's files);
 *   only when BURSTFLARE_SANDBOX=plain asks for it, for trusted code.
 * - "unavailable": neither was possible or allowed; the host refuses to start runtimes.
 */
type SandboxMode = "uid" | "plain";

interface IdentityFiles {
  passwd: string;
  group: string;
}

export interface Sandbox {
  mode: SandboxMode | "unavailable";
  /** Why runtimes cannot start (mode "unavailable"). */
  reason?: string;
  net: RuntimeNetwork | null;
  cgroups: Cgroups | null;
  /** Each runtime's folder on a bounded disk of its own (runtime-disk.ts). */
  disks: RuntimeDisks | null;
}

/** Lets tests exercise the fail-closed path on a machine where the sandbox works. */
const FAULT_ENV = "BURSTFLARE_SANDBOX_FAULT";

/**
 * Decides the sandbox once, at start. As root every piece (helpers, network, mounts, uid drop)
 * is tried end to end with a probe runtime; any failure leaves the host unable to start runtimes
 * rather than running agents as root. Plain mode is never a fallback, only a request.
 */
export function setupSandbox(opts: { dataDir: string; hostDir: string; hide: string[]; diskMiB: number }): Sandbox {
  const unavailable = (reason: string): Sandbox => ({ mode: "unavailable", reason, net: null, cgroups: null, disks: null });
  if (process.env.BURSTFLARE_SANDBOX === "plain") return { mode: "plain", net: null, cgroups: null, disks: null };
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    return unavailable(
      "the runtime host is not running as root, so it cannot isolate runtimes; run it as root, or set BURSTFLARE_SANDBOX=plain to run sessions without isolation (trusted code only)",
    );
  }
  if (process.env[FAULT_ENV]) return unavailable(`sandbox probe failed: ${process.env[FAULT_ENV]}`);
  let net: RuntimeNetwork | null = null;
  let disks: RuntimeDisks | null = null;
  try {
    for (const helper of [
      "sh",
      "mount",
      "mountpoint",
      "umount",
      "mkdir",
      "rm",
      "cat",
      "unshare",
      "nsenter",
      "setpriv",
      "prlimit",
      "ip",
      "nft",
      "mkfs.ext4",
      "losetup",
    ] as const)
      requireHelper(helper);
    disks = RuntimeDisks.open(opts.dataDir, opts.hostDir, opts.diskMiB);
    net = RuntimeNetwork.open();
    const cgroups = Cgroups.detect();
    for (const slot of [...net.swept, net.slot]) cgroups.removeAll(`slot${slot}-`);
    probe(net, cgroups, opts.dataDir, opts.hostDir, opts.hide);
    return { mode: "uid", net, cgroups, disks };
  } catch (err) {
    net?.close();
    disks?.close();
    return unavailable(`sandbox probe failed: ${(err as Error).message}`);
  }
}

/** A runtime that only exits 0, through the very wrapper real agents get. */
function probe(net: RuntimeNetwork, cgroups: Cgroups, dataDir: string, hostDir: string, hide: string[]): void {
  const lease = net.lease();
  const group = `${cgroupPrefix(net)}probe`;
  const envFile = path.join(hostDir, `probe-env-${process.pid}`);
  try {
    writeAgentEnv(envFile, { BURSTFLARE_PROBE: "1" });
    const command = sandboxedCommand({
      uid: 65534,
      identity: { passwd: "/etc/passwd", group: "/etc/group" },
      lease,
      cgroupProcs: cgroups.create(group, RESOURCE_LIMITS.small),
      limits: RESOURCE_LIMITS.small,
      rlimits: rlimitKinds(cgroups),
      keep: [dataDir],
      hide,
      dataDir,
      envFile,
      file: requireHelper("sh"),
      args: ["-c", '[ "$BURSTFLARE_PROBE" = 1 ] && [ "$(id -u)" = 65534 ] && ! [ -e "$0" ] && [ -z "$BF_MOUNT" ]', envFile],
    });
    const res = spawnSync(command.file, command.args, { env: command.env, encoding: "utf8", timeout: 10_000 });
    if (res.status !== 0) throw new Error(`wrapped probe exited ${res.status}: ${(res.stderr || res.error?.message || "").trim()}`);
  } finally {
    net.release(lease);
    cgroups.remove(group);
    fs.rmSync(envFile, { force: true });
  }
}

export function cgroupPrefix(net: RuntimeNetwork): string {
  return `slot${net.slot}-`;
}

/** Limit kinds no cgroup controller covers here, enforced with rlimits instead. */
export function rlimitKinds(cgroups: Cgroups): { pids: boolean } {
  return { pids: !cgroups.kinds.includes("pids") };
}

export function isolationReport(sandbox: Sandbox): HostHealth["isolation"] {
  const on = sandbox.mode === "uid";
  const kinds = new Set(on ? (sandbox.cgroups?.kinds ?? []) : []);
  const version = sandbox.cgroups?.version === "v2" ? "cgroup-v2" : "cgroup-v1";
  return {
    ownUser: on,
    pidNamespace: on,
    networkNamespace: on,
    privateTmp: on,
    noNewPrivs: on,
    limits: {
      memory: kinds.has("memory") ? version : null,
      pids: kinds.has("pids") ? version : on ? "rlimit" : null,
      cpu: kinds.has("cpu") ? version : null,
      disk: on ? (sandbox.disks?.bytes ?? null) : null,
    },
    runtimeNetwork: on ? RUNTIME_NET_CIDR : null,
  };
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

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

/**
 * The agent's environment as a root-only file: the sandbox opens it as root and the runtime's
 * own shell reads it from that descriptor after setpriv, so the root helpers before it
 * (nsenter, unshare, mount, setpriv) start with helperEnv() only.
 */
export function writeAgentEnv(file: string, env: Record<string, string>): void {
  const lines = Object.entries(env)
    .filter(([name, value]) => ENV_NAME.test(name) && !value.includes("\0"))
    .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, lines.join(""), { mode: 0o600, flag: "wx" });
}

interface SandboxedRun {
  uid: number;
  identity: IdentityFiles;
  lease: NetLease;
  /** cgroup.procs files the first process joins before anything forks. */
  cgroupProcs: string[];
  limits: ResourceLimits;
  rlimits: { pids: boolean };
  /**
   * Folders the agent needs (its runtime folder, the agent bundle, the checkout with node_modules):
   * those under /tmp or a hidden folder are bound back into the runtime's view.
   */
  keep: string[];
  /** Host folders (and files) the runtime must not read, covered by an empty tmpfs (/dev/null). */
  hide: string[];
  /** The host's data dir: the runtime disks mounted under it keep their own (rw) mounts. */
  dataDir: string;
  /** Folders the runtime writes (its own, the agents' CPU profile folder); other kept folders come back read-only. */
  writable?: string[];
  /** From writeAgentEnv; removed once opened. */
  envFile: string;
  file: string;
  args: string[];
  /**
   * `file` is the agent and changes to `uid` itself (runtime/src/agent/drop-privileges.ts), as
   * root with only CAP_SETUID and CAP_SETGID until then. A process whose uid changed after its
   * last exec is not dumpable: code of the same uid can neither read its environment (the agent
   * token) nor trace it. With setpriv's drop, the agent would be open to both.
   */
  agentDropsItself?: boolean;
}

/**
 * Root, pid 1 of the runtime's fresh PID + mount namespaces (slave propagation: the host's
 * unmounts of runtime disks reach this copy, nothing mounted here reaches the host): joins the
 * runtime's cgroups before anything forks ("0" is the writer itself, whatever its namespace),
 * makes every host mount of mountPlan read-only in this namespace (the runtime writes only its
 * own disk and sized tmpfs), binds the identity files over /etc, makes /tmp, /var/tmp and
 * /dev/shm private and hides the host's folders of mountPlan (folders it must keep are moved
 * back through a staging tmpfs), then setpriv: no_new_privs, no capabilities, and the uid drop
 * (or, for the agent, which drops itself, CAP_SETUID and CAP_SETGID alone).
 */
const INNER = `set -e
exec 3< "$1"
"$BF_RM" -f "$1"
passwd=$2 group=$3 tmpsize=$4 n=$5; shift 5
while [ "$n" -gt 0 ]; do echo 0 > "$1"; shift; n=$((n - 1)); done
n=$1; shift
i=0; while [ $i -lt "$n" ]; do eval "op$i=\\$1"; p=\${1#?:}; case $1 in
  r:*) if ! "$BF_MOUNT" -n -o "remount,bind,\${p%%:*}" "\${p#*:}" && "$BF_MOUNTPOINT" -q "\${p#*:}"; then exit 1; fi;;
  w:*) "$BF_MOUNT" -n --bind "\${p#*:}" "\${p#*:}"; "$BF_MOUNT" -n -o "remount,bind,\${p%%:*}" "\${p#*:}";;
esac; shift; i=$((i + 1)); done
"$BF_MOUNT" -n --bind -o ro "$passwd" /etc/passwd
"$BF_MOUNT" -n --bind -o ro "$group" /etc/group
"$BF_MOUNT" -n -t tmpfs -o mode=0700,size=1m bf-stage /mnt
i=0; while [ $i -lt "$n" ]; do eval "op=\\$op$i"; case $op in
  k:*) "$BF_MKDIR" /mnt/$i; "$BF_MOUNT" -n --bind -o ro "\${op#k:}" /mnt/$i;;
  K:*) "$BF_MKDIR" /mnt/$i; "$BF_MOUNT" -n --bind "\${op#K:}" /mnt/$i;;
esac; i=$((i + 1)); done
i=0; while [ $i -lt "$n" ]; do eval "op=\\$op$i"; p=\${op#?:}; case $op in
  t:*) "$BF_MOUNT" -n -t tmpfs -o mode=1777,nosuid,nodev,size=$tmpsize bf-tmp "$p";;
  h:*) if [ -d "$p" ]; then "$BF_MOUNT" -n -t tmpfs -o mode=0755,nosuid,nodev,size=1m bf-hide "$p"; fi;;
  f:*) if [ -f "$p" ]; then "$BF_MOUNT" -n --bind /dev/null "$p"; fi;;
  [kK]:*) "$BF_MKDIR" -p "$p"; "$BF_MOUNT" -n --move /mnt/$i "$p";;
esac; i=$((i + 1)); done
"$BF_UMOUNT" -n /mnt
"$BF_MOUNT" -n -t tmpfs -o mode=1777,nosuid,nodev,size=$tmpsize bf-vartmp /var/tmp
if [ -d /dev/shm ]; then "$BF_MOUNT" -n -t tmpfs -o mode=1777,nosuid,nodev,size=$tmpsize bf-shm /dev/shm; fi
exec "$@"`;

/** The runtime uid (or root that the agent drops itself, which also enters the workspace): its environment, then the agent. */
const FINAL = `cat=$BF_CAT; unset BF_MOUNT BF_MOUNTPOINT BF_UMOUNT BF_MKDIR BF_RM BF_CAT
eval "$("$cat" <&3)"
exec 3<&-
cd "\${BURSTFLARE_WORKSPACE:-/}" 2>/dev/null || cd /
exec "$@"`;

const depth = (p: string) => p.split("/").length;
const isKept = (op: string) => op === "k" || op === "K";
const within = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/**
 * The runtime's view of the host's files as INNER's ops, shallowest first so that a folder kept
 * inside a hidden one comes back after the hiding tmpfs, and a folder hidden inside a kept one
 * (the checkout's .wrangler) is hidden after the checkout came back: "t:" the private /tmp,
 * "h:" an empty tmpfs over a folder, "f:" /dev/null over a file, "k:" a folder bound back.
 * Kept folders are bound from the host's view before anything is hidden.
 */
function mountPlan(keep: string[], hide: string[], dataDir: string, writable: string[]): string[] {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return null;
    }
  };
  const hidden: { path: string; op: string }[] = [{ path: "/tmp", op: "t" }];
  for (const h of hide) {
    const p = real(h);
    if (!p || p === "/") continue;
    hidden.push({ path: p, op: fs.statSync(p).isDirectory() ? "h" : "f" });
  }
  const writableReal = writable.map(real);
  const kept = keep.flatMap((k) => {
    const p = real(k);
    const op = writableReal.includes(p) ? "K" : "k";
    return p && hidden.some((h) => h.op !== "f" && within(p, h.path) && p !== h.path) ? [{ path: p, op }] : [];
  });
  const covered = hidden.flatMap((h) => (h.op === "f" ? [] : [h.path]));
  return [
    ...readOnlyPlan(dataDir, writable, covered),
    ...[...hidden, ...kept]
      .sort((a, b) => depth(a.path) - depth(b.path) || Number(isKept(a.op)) - Number(isKept(b.op)))
      .map(({ path: p, op }) => `${op}:${p}`),
  ];
}

/**
 * The argv that runs `file args` in the runtime sandbox: nsenter into its network namespace,
 * unshare PID and mount namespaces, INNER as root, setpriv, FINAL as the runtime uid (see agentDropsItself). Every binary is named by absolute
 * path and the whole chain runs with helperEnv() plus the BF_* paths it needs.
 */
export function sandboxedCommand(run: SandboxedRun): { file: string; args: string[]; env: Record<string, string> } {
  const plan = mountPlan(run.keep, run.hide, run.dataDir, run.writable ?? []);
  const sh = requireHelper("sh");
  const tmpSize = String(Math.floor(run.limits.memoryBytes / 2));
  const prlimit = run.rlimits.pids ? [requireHelper("prlimit"), `--nproc=${run.limits.pids}`, "--"] : [];
  const args = [
    `--net=${run.lease.netnsPath}`,
    "--",
    requireHelper("unshare"),
    "--pid",
    "--fork",
    "--kill-child",
    "--mount",
    "--mount-proc",
    "--propagation",
    "slave",
    "--",
    sh,
    "-c",
    INNER,
    "bf-sandbox",
    run.envFile,
    run.identity.passwd,
    run.identity.group,
    tmpSize,
    String(run.cgroupProcs.length),
    ...run.cgroupProcs,
    String(plan.length),
    ...plan,
    requireHelper("setpriv"),
    ...(run.agentDropsItself ? [] : [`--reuid=${run.uid}`, `--regid=${run.uid}`]),
    "--clear-groups",
    "--no-new-privs",
    "--inh-caps=-all",
    run.agentDropsItself ? "--bounding-set=-all,+setuid,+setgid" : "--bounding-set=-all",
    "--",
    ...prlimit,
    sh,
    "-c",
    FINAL,
    "bf-agent",
    run.file,
    ...run.args,
  ];
  const env = helperEnv({
    BF_MOUNT: requireHelper("mount"),
    BF_MOUNTPOINT: requireHelper("mountpoint"),
    BF_UMOUNT: requireHelper("umount"),
    BF_MKDIR: requireHelper("mkdir"),
    BF_RM: requireHelper("rm"),
    BF_CAT: requireHelper("cat"),
  });
  return { file: requireHelper("nsenter"), args, env };
}
