import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { RESOURCE_LIMITS } from "@burstflare/sdk/resource-classes";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ociRuntimeScript } from "../../containers/oci-runtime.mjs";

const DEFAULT_CAPS = ["CAP_CHOWN", "CAP_NET_RAW", "CAP_KILL"];
const caps = () => ({ bounding: DEFAULT_CAPS, effective: DEFAULT_CAPS, permitted: DEFAULT_CAPS });

/** The engine's OCI runtime in a scratch folder, handing over to a runc that records its arguments. */
describe("the container engine's OCI runtime", () => {
  let dir: string;
  let wrapper: string;
  const runcArgs = () => readFileSync(path.join(dir, "runc-args"), "utf8").trim();
  const run = (...args: string[]) =>
    execFileSync("/bin/sh", [wrapper, ...args], { cwd: dir, env: { ...process.env, BURSTFLARE_UNIFIED_CGROUP: unified } });
  /** The host's cgroup2 hierarchy as the wrapper sees it: a folder with its cgroup.controllers. */
  let unified: string;
  const offers = (controllers: string) => writeFileSync(path.join(unified, "cgroup.controllers"), `${controllers}\n`);
  const bundle = (env: string[]) => {
    const config = {
      process: { env, capabilities: caps() },
      mounts: [{ destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["ro"] }],
      linux: { resources: { devices: [] }, namespaces: [{ type: "pid" }], seccomp: { defaultAction: "SCMP_ACT_ERRNO", syscalls: [] } },
    };
    writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
  };
  const config = () => JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8"));

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "bf-oci-"));
    const runc = path.join(dir, "runc");
    writeFileSync(runc, `#!/bin/sh\necho "$@" > ${dir}/runc-args\n`);
    chmodSync(runc, 0o755);
    wrapper = path.join(dir, "bf-runc");
    writeFileSync(wrapper, ociRuntimeScript(runc));
    unified = mkdtempSync(path.join(dir, "unified-"));
    offers("hugetlb");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates a container with its resource class's limits and without CAP_NET_RAW", () => {
    const large = RESOURCE_LIMITS.large;
    bundle([
      "PATH=/bin",
      `BURSTFLARE_MEMORY_BYTES=${large.memoryBytes}`,
      `BURSTFLARE_PIDS_MAX=${large.pids}`,
      `BURSTFLARE_CPU_SHARES=${large.cpuShares}`,
    ]);
    run("--root", "/run/x", "create", "--bundle", dir, "--pid-file", "p", "c1");
    const { linux, process } = config();
    expect(linux.resources).toMatchObject({
      memory: { limit: large.memoryBytes },
      pids: { limit: large.pids },
      cpu: { shares: large.cpuShares },
    });
    // Swap counts toward the limit wherever the kernel accounts it.
    if (linux.resources.memory.swap !== undefined) expect(linux.resources.memory.swap).toBe(large.memoryBytes);
    for (const set of Object.values(process.capabilities)) expect(set).toEqual(["CAP_CHOWN", "CAP_KILL"]);
    expect(runcArgs()).toBe(`--root /run/x create --bundle ${dir} --pid-file p c1`);
  });

  it("gives a container that names no class (the sidecar) the default class's limits, ignoring nonsense", () => {
    const small = RESOURCE_LIMITS.small;
    bundle(["BURSTFLARE_MEMORY_BYTES=0", "BURSTFLARE_PIDS_MAX=many"]);
    run("create", `--bundle=${dir}`, "c2");
    expect(config().linux.resources).toMatchObject({
      memory: { limit: small.memoryBytes },
      pids: { limit: small.pids },
      cpu: { shares: small.cpuShares },
    });
  });

  it("drops CAP_NET_RAW from a process started in a running container, and passes other calls through untouched", () => {
    const processFile = path.join(dir, "process.json");
    writeFileSync(processFile, JSON.stringify({ args: ["sh"], capabilities: caps() }));
    run("exec", "--process", processFile, "--detach", "c1");
    expect(JSON.parse(readFileSync(processFile, "utf8")).capabilities.effective).toEqual(["CAP_CHOWN", "CAP_KILL"]);

    bundle([]);
    const before = readFileSync(path.join(dir, "config.json"), "utf8");
    run("state", "c1");
    expect(readFileSync(path.join(dir, "config.json"), "utf8")).toBe(before);
    expect(runcArgs()).toBe("state c1");
  });

  // The container's side (runtime/container-start.sh, the agent's helper) is
  // test/security/revocation-detached.test.ts on the containers driver.
  it("gives a session container that asks for member groups a cgroup namespace, the hierarchy read-only, and CAP_SYS_ADMIN for its first process alone", () => {
    bundle(["BURSTFLARE_MEMBER_GROUPS=ask"]);
    run("create", "--bundle", dir, "c1");
    const { process, mounts, linux } = config();
    expect(process.env).toEqual(["BURSTFLARE_MEMBER_GROUPS=cgroup2"]);
    expect(linux.namespaces).toEqual([{ type: "pid" }, { type: "cgroup" }]);
    expect(mounts).toContainEqual({
      destination: "/sys/fs/cgroup/unified",
      type: "cgroup2",
      source: "cgroup2",
      options: ["ro", "nosuid", "nodev", "noexec"],
    });
    for (const set of ["bounding", "permitted", "effective"])
      expect(process.capabilities[set]).toEqual(["CAP_CHOWN", "CAP_KILL", "CAP_SYS_ADMIN"]);
    // Not inheritable (nor ambient): an exec does not pass it on, and container-start.sh drops it for good.
    expect(Object.keys(process.capabilities).sort()).toEqual(["bounding", "effective", "permitted"]);
    // mount, and unshare of a mount namespace only: 0x7e000000 masks every other CLONE_NEW* flag.
    expect(linux.seccomp.syscalls).toEqual([
      { names: ["mount"], action: "SCMP_ACT_ALLOW" },
      { names: ["unshare"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 0x7e000000, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
    ]);
  });

  it("gives member groups to no container that does not ask, nor where cgroup2 holds the limits", () => {
    bundle(["PATH=/bin"]);
    run("create", "--bundle", dir, "c1");
    expect(config().process.capabilities.bounding).not.toContain("CAP_SYS_ADMIN");
    expect(config().linux.namespaces).toEqual([{ type: "pid" }]);

    // A cgroup v2 host: the container's limits would sit in the group its namespace makes its root.
    offers("cpuset cpu io memory hugetlb pids");
    bundle(["BURSTFLARE_MEMBER_GROUPS=ask"]);
    run("create", "--bundle", dir, "c2");
    const { process, mounts, linux } = config();
    expect(process.env).toEqual(["BURSTFLARE_MEMBER_GROUPS=ask"]);
    expect(process.capabilities.bounding).not.toContain("CAP_SYS_ADMIN");
    expect(mounts).toHaveLength(1);
    expect(linux.namespaces).toEqual([{ type: "pid" }]);
    expect(linux.seccomp.syscalls).toEqual([]);
  });
});
