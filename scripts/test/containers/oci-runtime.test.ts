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
  const run = (...args: string[]) => execFileSync("/bin/sh", [wrapper, ...args], { cwd: dir });
  const bundle = (env: string[]) => {
    const config = { process: { env, capabilities: caps() }, linux: { resources: { devices: [] } } };
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
});
