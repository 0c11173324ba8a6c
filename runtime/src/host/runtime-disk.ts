import fs from "node:fs";
import path from "node:path";
import { runHelper } from "./system";

/**
 * Each sandboxed runtime's folder (its workspace, which is also its home, and the agent's data
 * dir) is its own ext4 filesystem in a sparse image file, loop-mounted at the folder: session
 * code that fills it gets ENOSPC, and the host's disk (wrangler's state, other runtimes) keeps
 * its space. The image costs nothing until written; `discard` gives deleted blocks back.
 *
 * The images are mounted in the host's mount namespace, under the data dir made a shared mount
 * of its own: each runtime's namespace holds a slave copy of it, so unmounting an image on the
 * host also unmounts every copy other runtimes took when they started (a private copy would keep
 * the loop device, and the space of a deleted image, until that other runtime ended).
 * The image outlives its runtime's stop as the folder did: a stopped runtime's workspace is
 * kept (kept-workspace.ts) or reused when not fresh. Discarding the session deletes it.
 */

export interface MountEntry {
  mountPoint: string;
  /** major:minor of the filesystem. */
  device: string;
  fstype: string;
  source: string;
  /** Per-mount options (rw/ro, nosuid …). */
  options: string[];
  /** The filesystem's own options (a tmpfs's size=). */
  superOptions: string[];
}

const MOUNTINFO = "/proc/self/mountinfo";
const unescapeMount = (p: string) => p.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));

/** The mounts a mountinfo file lists, in mount order (a later one at the same place covers an earlier one). */
export function parseMountinfo(text: string): MountEntry[] {
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [left = "", right = ""] = line.split(" - ");
      const fields = left.split(" ");
      const [fstype = "", source = "", superOptions = ""] = right.split(" ");
      return {
        mountPoint: unescapeMount(fields[4] ?? ""),
        device: fields[2] ?? "",
        fstype,
        source,
        options: (fields[5] ?? "").split(","),
        superOptions: superOptions.split(","),
      };
    });
}

/** This process's mounts. */
export const readMounts = () => parseMountinfo(fs.readFileSync(MOUNTINFO, "utf8"));

const within = (p: string, dir: string) => p.startsWith(`${dir}/`);
/** A runtime folder's path as /proc/self/mountinfo names it (its parent, the data dir, exists). */
const real = (dir: string) => {
  try {
    return path.join(fs.realpathSync(path.dirname(dir)), path.basename(dir));
  } catch {
    return dir;
  }
};

/** Kernel filesystems with no disk behind them, writable (if at all) by root only. */
export const KERNEL_FILESYSTEMS = new Set([
  "proc",
  "sysfs",
  "devtmpfs",
  "devpts",
  "cgroup",
  "cgroup2",
  "mqueue",
  "nsfs",
  "bpf",
  "debugfs",
  "tracefs",
  "securityfs",
  "pstore",
  "configfs",
  "fusectl",
  "hugetlbfs",
  "binfmt_misc",
  "autofs",
  "efivarfs",
  "rpc_pipefs",
  "selinuxfs",
]);

/** The mount's own flags but rw/ro, for a bind remount that must keep nosuid, nodev, noexec. */
const flags = (m: MountEntry, access: "ro" | "rw") => [access, ...m.options.filter((o) => o !== "rw" && o !== "ro")].join(",");

/**
 * INNER's first ops (sandbox.ts): "r:<flags>:<path>" makes each host mount read-only in the
 * runtime's namespace, so whatever the host leaves world-writable on a disk (here /run/lock)
 * cannot be filled; "w:<flags>:<path>" binds a folder that must stay writable over itself.
 * Left alone: kernel filesystems, FUSE (only its owner reaches it), mounts already read-only,
 * the runtime disks under the data dir (the runtime's own is its writable folder), and mounts
 * inside folders the runtime sees covered by an empty tmpfs (other hosts' data dirs, which come
 * and go). A mount that is gone by the time INNER gets to it is skipped there.
 */
export function readOnlyPlan(dataDir: string, writable: string[], covered: string[]): string[] {
  const top = new Map<string, MountEntry>();
  for (const m of readMounts()) top.set(m.mountPoint, m);
  const data = fs.realpathSync(dataDir);
  const mounts = [...top.values()];
  const readOnly = mounts
    .filter((m) => !KERNEL_FILESYSTEMS.has(m.fstype) && !m.fstype.startsWith("fuse") && !m.options.includes("ro"))
    .filter((m) => !within(m.mountPoint, data) && !covered.some((dir) => within(m.mountPoint, dir)))
    .filter((m) => !m.mountPoint.endsWith("//deleted"))
    .map((m) => `r:${flags(m, "ro")}:${m.mountPoint}`);
  // The runtime's own folder is its disk, a mount of its own already.
  const kept = writable.flatMap((dir) => {
    const p = fs.realpathSync(dir);
    if (within(p, data)) return [];
    const holder = mounts
      .filter((m) => p === m.mountPoint || m.mountPoint === "/" || within(p, m.mountPoint))
      .sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
    return [`w:${holder ? flags(holder, "rw") : "rw"}:${p}`];
  });
  return [...readOnly, ...kept];
}

export const DEFAULT_DISK_MIB = 4096;

export class RuntimeDisks {
  private readonly imageDir: string;

  private constructor(
    private readonly dataDir: string,
    hostDir: string,
    readonly bytes: number,
  ) {
    this.imageDir = path.join(hostDir, "disks");
  }

  /**
   * Makes the data dir a shared mount (once) and clears what a host that died left behind:
   * image mounts under the data dir and loop devices still attached to its images. Then proves
   * the whole path (sparse file, mkfs, loop mount, unmount) works with a scratch image.
   */
  static open(dataDir: string, hostDir: string, mib: number): RuntimeDisks {
    const disks = new RuntimeDisks(fs.realpathSync(dataDir), hostDir, mib * 1024 * 1024);
    fs.mkdirSync(disks.imageDir, { recursive: true, mode: 0o700 });
    disks.unmountAll();
    for (const name of fs.readdirSync(disks.imageDir)) disks.detachLoops(path.join(disks.imageDir, name));
    if (!readMounts().some((m) => m.mountPoint === disks.dataDir)) runHelper("mount", ["--bind", disks.dataDir, disks.dataDir]);
    // Its own peer group: events under it never reach the mount it was bound from.
    runHelper("mount", ["--make-private", disks.dataDir]);
    runHelper("mount", ["--make-shared", disks.dataDir]);
    const scratch = path.join(disks.imageDir, ".probe");
    try {
      fs.mkdirSync(scratch, { recursive: true });
      disks.mount(".probe", scratch);
    } finally {
      disks.unmount(scratch);
      disks.remove(".probe");
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    return disks;
  }

  private image(runtimeId: string): string {
    return path.join(this.imageDir, `${runtimeId}.img`);
  }

  /**
   * Mounts the runtime's image at `dir`, made first if it is missing. A folder left there by a
   * host without images goes: nothing could reach it under the mount, and it would hold host disk
   * nobody accounts for. An image that will not mount (a moment after its runtime was killed the
   * loop device may still be going) is tried again; then, when the caller does not need what is
   * on it (`remake`: a fresh start), made anew, else the error stands.
   */
  mount(runtimeId: string, folder: string, remake = false): void {
    const dir = real(folder);
    if (this.mounted(dir)) return;
    const image = this.image(runtimeId);
    if (!fs.existsSync(image)) {
      fs.rmSync(dir, { recursive: true, force: true });
      this.make(image);
    }
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const mount = () => runHelper("mount", ["-t", "ext4", "-o", "loop,nosuid,nodev,discard", image, dir], { allowFailure: true });
    let res = mount();
    for (let attempt = 0; res.status !== 0 && attempt < 5; attempt++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      res = mount();
    }
    if (res.status !== 0 && remake) {
      this.make(image);
      res = mount();
    }
    if (res.status !== 0) throw new Error(`mount ${image}: ${(res.stderr || `exit ${res.status}`).trim()}`);
    // mkfs makes the root 0755 root-owned; the runtime's folder is private (the caller chowns it).
    fs.chmodSync(dir, 0o700);
  }

  private make(image: string): void {
    fs.rmSync(image, { force: true });
    fs.writeFileSync(image, "", { mode: 0o600 });
    fs.truncateSync(image, this.bytes);
    // No root reserve (the runtime is never root); the journal is not zeroed: a sparse file reads as zeros.
    runHelper("mkfs.ext4", ["-q", "-F", "-m", "0", "-E", "lazy_itable_init=1,lazy_journal_init=1", image]);
  }

  private mounted(dir: string): boolean {
    return readMounts().some((m) => m.mountPoint === dir);
  }

  /**
   * Unmounts `dir` if an image is mounted there; the loop device goes with it (autoclear). Never
   * throws: it runs when an agent exits and at the host's exit.
   */
  unmount(folder: string): void {
    const dir = real(folder);
    for (let attempt = 0; attempt < 4 && this.mounted(dir); attempt++) {
      // Lazy only when something still holds it: the mount leaves the tree at once either way.
      if (runHelper("umount", [dir], { allowFailure: true }).status !== 0) runHelper("umount", ["-l", dir], { allowFailure: true });
    }
  }

  /** Runs fn with the stopped runtime's image mounted at `dir`, then unmounts it. */
  withMounted<T>(runtimeId: string, dir: string, fn: () => T): T {
    if (!fs.existsSync(this.image(runtimeId))) return fn();
    this.mount(runtimeId, dir, false);
    try {
      return fn();
    } finally {
      this.unmount(dir);
    }
  }

  /** The runtime's image and everything in it are gone (its folder must be unmounted). */
  remove(runtimeId: string): void {
    const image = this.image(runtimeId);
    this.detachLoops(image);
    fs.rmSync(image, { force: true });
  }

  /** Every image mount under the data dir, deepest first (at exit, and after a host died). */
  unmountAll(): void {
    const mounts = readMounts()
      .map((m) => m.mountPoint)
      .filter((p) => within(p, this.dataDir))
      .sort((a, b) => b.length - a.length);
    for (const p of new Set(mounts)) this.unmount(p);
  }

  /** At exit: the images, then the data dir's own mount. */
  close(): void {
    this.unmountAll();
    if (this.mounted(this.dataDir)) runHelper("umount", ["-l", this.dataDir], { allowFailure: true });
  }

  /** Loop devices still attached to an image (none once its last mount went; a crash can leave one). */
  private detachLoops(image: string): void {
    if (!fs.existsSync(image)) return;
    const listed = runHelper("losetup", ["-j", image], { allowFailure: true }).stdout;
    for (const dev of listed.matchAll(/^(\/dev\/loop\d+):/gm)) runHelper("losetup", ["-d", dev[1]!], { allowFailure: true });
  }
}
