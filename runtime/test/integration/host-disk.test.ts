import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KERNEL_FILESYSTEMS, parseMountinfo, readMounts } from "../../src/host/runtime-disk";
import { agentExec, startTestHost, type TestHost } from "../helpers/host";
import { waitFor } from "../helpers/wait";

/**
 * A local runtime's files live on the host's disk; without a bound, one session's code fills
 * the disk that wrangler's state and every other runtime use. Each runtime gets its own disk of
 * BURSTFLARE_RUNTIME_DISK_MIB (tiny here) and nothing else it can write persistently.
 */
const QUOTA_MIB = 32;
const MiB = 1024 * 1024;
const freeBytes = (dir: string) => {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
};

describe("runtime host: a runtime's disk is bounded", () => {
  const ctx = {} as { host: TestHost };
  beforeAll(async () => {
    ctx.host = await startTestHost({ env: { BURSTFLARE_RUNTIME_DISK_MIB: String(QUOTA_MIB) } });
  });
  afterAll(() => ctx.host.stop());

  it("session code writing past its disk gets ENOSPC; the host's disk and another runtime are untouched", async () => {
    const a = await ctx.host.start("disk-a");
    const b = await ctx.host.start("disk-b");
    const before = freeBytes(ctx.host.dataDir);
    // 8× the quota: on an unbounded folder this all lands on the host's disk.
    const fill = await agentExec(a, `dd if=/dev/zero of=big bs=1M count=${8 * QUOTA_MIB} conv=fsync 2>&1; echo "rc=$?"`);
    const dropped = before - freeBytes(ctx.host.dataDir);
    expect(fill.output).toContain("No space left on device");
    expect(fill.output).not.toContain("rc=0");
    expect(Number((await agentExec(a, "stat -c %s big")).output)).toBeLessThanOrEqual(QUOTA_MIB * MiB);
    // What the host's disk holds for it: the blocks of its image, at most the quota.
    expect(fs.statSync(imageOf(ctx.host, "disk-a")).blocks * 512).toBeLessThanOrEqual(QUOTA_MIB * MiB);
    // The quota plus slack for whatever else this shared machine writes meanwhile; far below 8×.
    expect(dropped).toBeLessThan(3 * QUOTA_MIB * MiB);

    // The full runtime still answers and frees its space; the other one writes as usual.
    expect((await agentExec(a, "rm big && echo ok")).output).toBe("ok\n");
    expect((await agentExec(b, "dd if=/dev/zero of=small bs=1M count=4 2>/dev/null && stat -c %s small")).output).toBe(`${4 * MiB}\n`);
  });

  it("leaves session code nothing else writable on a disk: every writable mount is its own disk or a sized tmpfs", async () => {
    const info = await ctx.host.start("disk-mounts");
    const runtimeDir = path.dirname(info.workspaceDir);
    const mounts = parseMountinfo((await agentExec(info, "cat /proc/self/mountinfo")).output);
    // What session code reaches: the path leads to that very filesystem (a hiding tmpfs, a mount
    // on top or a folder it may not enter leads elsewhere or nowhere).
    const quoted = mounts.map((m) => `'${m.mountPoint.replaceAll("'", `'\\''`)}'`).join(" ");
    const devices = (await agentExec(info, `for p in ${quoted}; do stat -c %Hd:%Ld -- "$p" 2>/dev/null || echo none; done`)).output.split(
      "\n",
    );
    const reachable = mounts.filter((m, i) => devices[i] === m.device);
    expect(reachable.find((m) => m.mountPoint === runtimeDir)).toMatchObject({
      fstype: "ext4",
      source: expect.stringMatching(/^\/dev\/loop/),
      options: expect.arrayContaining(["rw", "nosuid", "nodev"]),
    });
    const unbounded = reachable.filter(
      (m) =>
        m.options.includes("rw") &&
        !KERNEL_FILESYSTEMS.has(m.fstype) &&
        !(m.fstype === "tmpfs" && m.superOptions.some((o) => o.startsWith("size="))) &&
        // Runtime disks: its own, and those of runtimes started before it (0700, other uids).
        !(path.dirname(m.mountPoint) === path.dirname(runtimeDir) && m.source.startsWith("/dev/loop")),
    );
    expect(unbounded).toEqual([]);
    // /run/lock is world-writable and, on this machine, on the root disk.
    if (fs.existsSync("/run/lock"))
      expect((await agentExec(info, "touch /run/lock/bf-disk-test 2>&1; echo rc=$?")).output).not.toContain("rc=0");
    fs.rmSync("/run/lock/bf-disk-test", { force: true });
  });

  it("unmounts a stopped runtime's disk, keeps it for the next start, leaks no loop device over many cycles, deletes it with the session", async () => {
    const image = imageOf(ctx.host, "disk-cycle");
    const dir = path.join(ctx.host.dataDir, "disk-cycle");
    let witness: RuntimeInfo | null = null;
    for (let i = 1; i <= 8; i++) {
      const info = await ctx.host.start("disk-cycle", { fresh: i === 1 });
      expect((await agentExec(info, `echo ${i} >> count && wc -l < count`)).output).toBe(`${i}\n`);
      expect(hostMounts()).toContain(dir);
      // A runtime started now copies every mount, this disk's included, into its namespace.
      witness ??= await ctx.host.start("disk-witness");
      expect((await ctx.host.request("/runtimes/disk-cycle", { method: "DELETE" })).status).toBe(204);
      expect(hostMounts()).not.toContain(dir);
    }
    // Autoclear detaches the loop device once the last copy of the mount is gone: the runtime's
    // own, and the witness's, which the host's unmount reaches although the witness still runs.
    await waitFor(() => released(dir, image, [ctx.host]), "the loop device detached", 20_000);
    expect((await agentExec(witness!, "echo alive")).output).toBe("alive\n");
    expect(fs.existsSync(image)).toBe(true);
    expect((await ctx.host.request("/runtimes/disk-cycle/workspace", { method: "DELETE" })).status).toBe(204);
    expect(fs.existsSync(image)).toBe(false);
  });
});

describe("runtime host: disks a dead host left", () => {
  it("are unmounted and detached when the next host starts on that data dir", async () => {
    const env = { BURSTFLARE_RUNTIME_DISK_MIB: String(QUOTA_MIB) };
    const first = await startTestHost({ env });
    const info = await first.start("orphan");
    expect((await agentExec(info, "echo survived > note")).code).toBe(0);
    const dir = path.dirname(info.workspaceDir);
    const image = imageOf(first, "orphan");
    let next: TestHost | null = null;
    try {
      // Killed outright, the host unmounts nothing; its agent exits when its stdin closes.
      process.kill(first.process.pid!, "SIGKILL");
      await waitFor(() => first.process.exitCode !== null || first.process.signalCode !== null, "host gone");
      expect(hostMounts()).toEqual(expect.arrayContaining([first.dataDir, dir]));

      next = await startTestHost({ dataDir: first.dataDir, env });
      expect(hostMounts().filter((p) => p === dir)).toEqual([]);
      const started = next;
      await waitFor(() => released(dir, image, [first, started]), "the dead host's loop device detached", 20_000);
      // Its disk mounts again (the unsealed workspace itself went at host start, as before).
      const again = await next.start("orphan", { fresh: false });
      expect((await agentExec(again, "echo again > note && cat note")).output).toBe("again\n");
      expect(Number((await agentExec(again, "df --output=size -m . | tail -1")).output)).toBeLessThanOrEqual(QUOTA_MIB);
      await next.stop();
      expect(hostMounts().filter((p) => p === first.dataDir || p.startsWith(`${first.dataDir}/`))).toEqual([]);
    } finally {
      await (next ?? first).stop();
    }
  });
});

const imageOf = (host: TestHost, runtimeId: string) => path.join(host.dataDir, ".host", "disks", `${runtimeId}.img`);
const hostMounts = () => readMounts().map((m) => m.mountPoint);
/**
 * No process but another runtime host's holds `dir` mounted, and its image's loop device is gone
 * unless one does. (A runtime of another checkout's host on this shared machine, one of older code
 * with private propagation, keeps the copy its namespace took until it ends: not these hosts' leak.)
 */
function released(dir: string, image: string, ours: TestHost[]): boolean {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };
  const pids = fs
    .readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
  const mine = new Set(ours.map((h) => h.process.pid));
  const otherHosts = new Set(pids.filter((pid) => !mine.has(pid) && read(`/proc/${pid}/cmdline`).includes("runtime/src/host/main.ts")));
  const parent = (pid: number) => Number(read(`/proc/${pid}/stat`).split(") ")[1]?.split(" ")[1] ?? 0);
  const foreign = (pid: number) => {
    for (let p = pid; p > 1; p = parent(p)) if (otherHosts.has(p)) return true;
    return false;
  };
  const holders = pids.filter((pid) => parseMountinfo(read(`/proc/${pid}/mountinfo`)).some((m) => m.mountPoint === dir));
  if (holders.some((pid) => !foreign(pid))) return false;
  return holders.length > 0 || loopsOf(image).length === 0;
}
const loopsOf = (image: string) =>
  spawnSync("/usr/sbin/losetup", ["-j", image], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);
