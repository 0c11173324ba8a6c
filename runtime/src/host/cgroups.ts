import fs from "node:fs";
import path from "node:path";
import type { ResourceLimits } from "@burstflare/sdk/resource-classes";

/**
 * Per-runtime limits through cgroups: v2 when the machine runs the unified hierarchy with the
 * controllers enabled, otherwise one v1 hierarchy per controller (memory, pids, cpu). A kind
 * that neither offers is reported missing and the sandbox falls back to rlimits for it.
 *
 * Each runtime also gets a group in the cgroup2 hierarchy wherever it is mounted (the same group
 * as the limits' on a v2 machine, a group of its own beside v1 controllers), when that hierarchy
 * offers cgroup.kill (Linux 5.14): the agent keeps each member's processes in a group under it
 * (runtime/src/agent/exec/member-groups.ts). Removing a runtime's group removes those first.
 */
type LimitKind = "memory" | "pids" | "cpu";
type CgroupVersion = "v2" | "v1";

const ROOT = "/sys/fs/cgroup";
const GROUP = "burstflare";

interface Controller {
  kind: LimitKind;
  /** The folder under which the runtime groups are made. */
  parent: string;
  write(dir: string, limits: ResourceLimits): void;
}

const write = (dir: string, file: string, value: string | number) => fs.writeFileSync(path.join(dir, file), String(value));

function v2Controllers(): Controller[] {
  const controllersFile = path.join(ROOT, "cgroup.controllers");
  if (!fs.existsSync(controllersFile)) return [];
  const available = new Set(fs.readFileSync(controllersFile, "utf8").trim().split(/\s+/));
  const kinds = (["memory", "pids", "cpu"] as const).filter((k) => available.has(k));
  if (kinds.length === 0) return [];
  const parent = path.join(ROOT, GROUP);
  fs.mkdirSync(parent, { recursive: true });
  // Controllers must be enabled in every ancestor's subtree_control for a child group to use them.
  const enable = kinds.map((k) => `+${k}`).join(" ");
  write(ROOT, "cgroup.subtree_control", enable);
  write(parent, "cgroup.subtree_control", enable);
  return kinds.map((kind) => ({
    kind,
    parent,
    write(dir, limits) {
      if (kind === "memory") {
        write(dir, "memory.max", limits.memoryBytes);
        if (fs.existsSync(path.join(dir, "memory.swap.max"))) write(dir, "memory.swap.max", 0);
      } else if (kind === "pids") write(dir, "pids.max", limits.pids);
      else write(dir, "cpu.weight", Math.max(1, Math.round((limits.cpuShares * 100) / 1024)));
    },
  }));
}

function v1Controllers(): Controller[] {
  const controllers: Controller[] = [];
  const mounted = (name: string) => fs.existsSync(path.join(ROOT, name, "cgroup.procs"));
  const parentFor = (name: string) => {
    const parent = path.join(ROOT, name, GROUP);
    fs.mkdirSync(parent, { recursive: true });
    return parent;
  };
  if (mounted("memory")) {
    controllers.push({
      kind: "memory",
      parent: parentFor("memory"),
      write(dir, limits) {
        write(dir, "memory.limit_in_bytes", limits.memoryBytes);
        // memsw is memory + swap: equal to the limit means no swap to escape into.
        if (fs.existsSync(path.join(dir, "memory.memsw.limit_in_bytes"))) write(dir, "memory.memsw.limit_in_bytes", limits.memoryBytes);
      },
    });
  }
  if (mounted("pids"))
    controllers.push({ kind: "pids", parent: parentFor("pids"), write: (dir, limits) => write(dir, "pids.max", limits.pids) });
  const cpu = ["cpu", "cpu,cpuacct"].find(mounted);
  if (cpu) controllers.push({ kind: "cpu", parent: parentFor(cpu), write: (dir, limits) => write(dir, "cpu.shares", limits.cpuShares) });
  return controllers;
}

/** Where the cgroup2 hierarchy is mounted whole (its root at the mount point), or null. */
function cgroup2Mount(): string | null {
  for (const line of fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const [mount, fsType] = line.split(" - ");
    const fields = mount?.split(" ") ?? [];
    if (fsType?.startsWith("cgroup2 ") && fields[3] === "/" && fields[4]) return fields[4];
  }
  return null;
}

/** The parent of the runtimes' cgroup2 groups, made here, when that hierarchy can kill a group. */
function memberParent(): { mount: string; parent: string } | null {
  try {
    const mount = cgroup2Mount();
    if (!mount) return null;
    const parent = path.join(mount, GROUP);
    fs.mkdirSync(parent, { recursive: true });
    return fs.existsSync(path.join(parent, "cgroup.kill")) ? { mount, parent } : null;
  } catch {
    return null;
  }
}

/** rmdir of a group after the groups inside it (a runtime's member groups), deepest first. */
function removeGroup(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) removeGroup(path.join(dir, entry.name));
  fs.rmdirSync(dir);
}

export class Cgroups {
  private constructor(
    readonly version: CgroupVersion | null,
    private readonly controllers: Controller[],
    private readonly members: { mount: string; parent: string } | null,
  ) {}

  /** The cgroup2 mount point the agent's member groups live under (BURSTFLARE_CGROUP2), or null when they cannot. */
  get memberMount(): string | null {
    return this.members?.mount ?? null;
  }

  /** Every folder a runtime's groups are made in. */
  private get parents(): string[] {
    return [...new Set([...this.controllers.map((c) => c.parent), ...(this.members ? [this.members.parent] : [])])];
  }

  /** Finds the controllers this machine offers; never throws (a missing kind is reported, not fatal). */
  static detect(): Cgroups {
    const members = memberParent();
    for (const [version, find] of [
      ["v2", v2Controllers],
      ["v1", v1Controllers],
    ] as const) {
      try {
        const controllers = find();
        if (controllers.length > 0) return new Cgroups(version, controllers, members);
      } catch {}
    }
    return new Cgroups(null, [], members);
  }

  get kinds(): LimitKind[] {
    return this.controllers.map((c) => c.kind);
  }

  /**
   * Makes the runtime's groups with their limits and returns the cgroup.procs files its first
   * process must write itself into before it forks, so nothing it starts escapes the limits.
   */
  create(name: string, limits: ResourceLimits): string[] {
    const procs: string[] = [];
    // v2 keeps all controllers in one folder.
    const dirs = new Set<string>();
    this.remove(name);
    const join = (dir: string) => {
      if (dirs.has(dir)) return;
      fs.mkdirSync(dir, { recursive: true });
      dirs.add(dir);
      procs.push(path.join(dir, "cgroup.procs"));
    };
    for (const c of this.controllers) {
      const dir = path.join(c.parent, name);
      join(dir);
      c.write(dir, limits);
    }
    if (this.members) join(path.join(this.members.parent, name));
    return procs;
  }

  /** Best effort: a group empties a moment after its last process exits. */
  async removeWhenEmpty(name: string): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (this.remove(name)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** True when no group of this name remains. */
  remove(name: string): boolean {
    let gone = true;
    for (const dir of this.parents.map((parent) => path.join(parent, name))) {
      try {
        removeGroup(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") gone = false;
      }
    }
    return gone;
  }

  /**
   * Removes the groups whose name starts with prefix (a slot's, at exit or a dead host's), waiting
   * up to waitMs for processes that were just killed to leave them. Synchronous: it runs on exit.
   */
  removeAll(prefix: string, waitMs = 0): void {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const names = new Set<string>();
      for (const parent of this.parents) {
        for (const entry of fs.existsSync(parent) ? fs.readdirSync(parent, { withFileTypes: true }) : []) {
          if (entry.isDirectory() && entry.name.startsWith(prefix)) names.add(entry.name);
        }
      }
      const left = [...names].filter((name) => !this.remove(name));
      if (left.length === 0 || Date.now() >= deadline) return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}
