import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { hostHealth } from "@burstflare/sdk/protocol/runtime-host";
import { describe, expect, it } from "vitest";
import { agentExec, startTestHost, type TestHost, useTestHost } from "../helpers/host";
import { waitFor } from "../helpers/wait";

/**
 * The runtime host as root isolates each runtime like a container and says so on /health; when
 * it cannot, it refuses to start runtimes instead of running them unisolated. These tests run
 * as root (as CI does): a host that is not root refuses too unless plain mode is asked for.
 */

const health = async (host: TestHost) => {
  const res = await fetch(`${host.url}/health`);
  return { status: res.status, body: hostHealth.parse(await res.json()) };
};

const hostPort = (host: TestHost) => Number(new URL(host.url).port);
const links = () => spawnSync("/usr/sbin/ip", ["-o", "link", "show"], { encoding: "utf8" }).stdout;
const nftTables = () => spawnSync("/usr/sbin/nft", ["list", "tables"], { encoding: "utf8" }).stdout;
const defaultGateways = () =>
  [...spawnSync("/usr/sbin/ip", ["-4", "route", "show", "default"], { encoding: "utf8" }).stdout.matchAll(/via (\S+)/g)].map((m) => m[1]!);
const connect = (h: string, p: number) => `timeout 2 bash -c 'exec 3<>/dev/tcp/${h}/${p} && echo CONNECTED'; echo "rc=$?"`;

describe("an isolating runtime host", () => {
  const ctx = useTestHost();

  it("reports on /health which isolation is in force", async () => {
    const { status, body } = await health(ctx.host);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      sandbox: "uid",
      isolation: {
        ownUser: true,
        pidNamespace: true,
        networkNamespace: true,
        privateTmp: true,
        noNewPrivs: true,
        runtimeNetwork: "100.72.0.0/13",
      },
    });
    for (const kind of ["memory", "pids", "cpu"] as const) expect(body.isolation.limits[kind]).toMatch(/^cgroup-v[12]$/);
  });

  it("gives each runtime its own network: the declared preview port, no way to other runtimes or the host, outbound kept", async () => {
    const a = await ctx.host.start("net-a", { previewPort: 3000 });
    const b = await ctx.host.start("net-b", { previewPort: 3000 });
    const ipA = new URL(a.agentURL).hostname;
    const ipB = new URL(b.agentURL).hostname;
    expect(ipA).toMatch(/^100\.(7[2-9])\.\d+\.\d+$/);
    expect(ipB).not.toBe(ipA);
    // As in a container, both dev servers listen on the port the template declares.
    expect((await agentExec(a, 'printf %s "$PORT"')).output).toBe("3000");
    expect((await agentExec(b, 'printf %s "$PORT"')).output).toBe("3000");

    const listener = net.createServer((s) => s.end("host\n"));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const listenerPort = (listener.address() as net.AddressInfo).port;
    try {
      // Its own loopback works: a server in the runtime answers the runtime.
      await agentExec(a, "nohup python3 -m http.server 3000 --bind 127.0.0.1 > http.log 2>&1 &");
      await waitFor(async () => (await agentExec(a, connect("127.0.0.1", 3000))).output.includes("CONNECTED"), "own server");
      await agentExec(b, "nohup python3 -m http.server 3000 --bind 0.0.0.0 > http.log 2>&1 &");
      await waitFor(async () => (await agentExec(b, connect("127.0.0.1", 3000))).output.includes("CONNECTED"), "b's server");

      const gateway = ipA.replace(/\d+$/, (last) => String(Number(last) - 1));
      const targets: [string, number][] = [
        [ipB, 3000],
        [ipB, Number(new URL(b.agentURL).port)],
        ["127.0.0.1", hostPort(ctx.host)],
        ["127.0.0.1", listenerPort],
        [gateway, hostPort(ctx.host)],
        // Cloud metadata and the machine's LAN: private networks stay out of reach, as in a container.
        ["169.254.169.254", 80],
        ...defaultGateways().map((g): [string, number] => [g, 80]),
        ...Object.values(os.networkInterfaces())
          .flat()
          .filter((i): i is os.NetworkInterfaceInfo => !!i && i.family === "IPv4" && !i.internal)
          .map((i): [string, number] => [i.address, hostPort(ctx.host)]),
      ];
      const out = await agentExec(a, targets.map(([h, p]) => connect(h, p)).join("; "));
      expect(out.output).not.toContain("CONNECTED");
      expect(out.output.match(/rc=[1-9]\d*/g)).toHaveLength(targets.length);
    } finally {
      listener.close();
    }
    // The host still reaches the runtime (how the Worker talks to it) ...
    expect((await fetch(`http://${ipB}:3000/`)).status).toBe(200);
    // ... and the runtime reaches the internet (package registries).
    const outbound = await agentExec(a, "timeout 20 curl -s -o /dev/null -w '%{http_code}' https://registry.npmjs.org/");
    expect(outbound.output).toBe("200");
  });

  it("runs the agent with a private /tmp, no_new_privs and the limits of its resource class", async () => {
    fs.writeFileSync("/tmp/bf-host-isolation-marker", "host\n");
    try {
      const small = await ctx.host.start("limits-small");
      const medium = await ctx.host.start("limits-medium", { resourceClass: "medium" });
      const mine = `/tmp/bf-mine-${process.pid}-${Date.now()}`;
      await agentExec(small, `echo mine > ${mine}`);
      const seen = await agentExec(medium, `cat ${mine} /tmp/bf-host-isolation-marker; grep NoNewPrivs /proc/self/status; id -u`);
      expect(seen.output).not.toContain("mine\n");
      expect(seen.output).not.toContain("host\n");
      expect(seen.output).toMatch(/NoNewPrivs:\s+1/);
      expect(seen.output).not.toMatch(/^0$/m);
      expect(fs.existsSync(mine)).toBe(false);

      const v2 = (await health(ctx.host)).body.isolation.limits.memory === "cgroup-v2";
      // v1: one hierarchy per controller; v2: one folder, cpu.weight = shares * 100 / 1024.
      const limit = (file: string, controller: string) =>
        v2
          ? `cat "/sys/fs/cgroup$(grep '^0::' /proc/self/cgroup | cut -d: -f3)/${file}"`
          : `cat "/sys/fs/cgroup/${controller}$(grep -E '^[0-9]+:${controller}:' /proc/self/cgroup | cut -d: -f3)/${file}"`;
      const files = v2
        ? [limit("memory.max", ""), limit("pids.max", ""), limit("cpu.weight", "")]
        : [limit("memory.limit_in_bytes", "memory"), limit("pids.max", "pids"), limit("cpu.shares", "cpu")];
      const read = async (info: typeof small) => (await agentExec(info, files.join("; "))).output.trim().split("\n");
      expect(await read(small)).toEqual([String(1024 * 1024 * 1024), "1024", v2 ? "25" : "256"]);
      expect(await read(medium)).toEqual([String(4096 * 1024 * 1024), "2048", v2 ? "50" : "512"]);
    } finally {
      fs.rmSync("/tmp/bf-host-isolation-marker", { force: true });
    }
  });

  it("removes a runtime's veth, namespace and cgroups when it stops, and everything when the host exits", async () => {
    const other = await startTestHost();
    const info = await other.start("cleanup", { previewPort: 3000 });
    const pid = Number(fs.readFileSync(`/proc/${info.pid}/task/${info.pid}/children`, "utf8").trim().split(/\s+/)[0] ?? info.pid);
    const cgroup = fs
      .readFileSync(`/proc/${pid}/cgroup`, "utf8")
      .split("\n")
      .find((l) => /^\d+:memory:/.test(l))!
      .split(":")[2]!;
    const hostIP = new URL(info.agentURL).hostname.replace(/\d+$/, (last) => String(Number(last) - 1));
    const hostInterface = spawnSync("/usr/sbin/ip", ["-o", "-4", "addr", "show", "to", hostIP], { encoding: "utf8" }).stdout.split(
      /\s+/,
    )[1]!;
    const slotTable = `bf_${hostInterface.slice(3, 6)}`;
    expect(hostInterface).toMatch(/^bfr[0-9a-f]{5}h$/);
    expect(nftTables()).toContain(slotTable);
    expect(fs.existsSync(`/sys/fs/cgroup/memory${cgroup}`)).toBe(true);

    expect((await other.request("/runtimes/cleanup", { method: "DELETE" })).status).toBe(204);
    expect(links()).not.toContain(hostInterface);
    await waitFor(() => !fs.existsSync(`/sys/fs/cgroup/memory${cgroup}`), "cgroup removed");

    await other.start("cleanup-2");
    await other.stop();
    expect(nftTables()).not.toContain(slotTable);
    expect(links()).not.toContain(hostInterface.slice(0, 6));
    expect(fs.readdirSync("/run/netns").filter((n) => n.startsWith(`bf-${hostInterface.slice(3, 6)}-`))).toEqual([]);
  });

  it("starts every helper by absolute path with an environment of its own", async () => {
    // Fakes of every helper, first on the host's PATH and named by the session's PATH too.
    const evil = fs.mkdtempSync(path.join(os.tmpdir(), "bf-evil-"));
    fs.chmodSync(evil, 0o755);
    const marker = path.join(evil, "ran");
    for (const name of ["sh", "unshare", "nsenter", "setpriv", "mount", "ip", "nft", "prlimit", "node"]) {
      fs.writeFileSync(path.join(evil, name), `#!/bin/sh\necho ${name} >> ${marker}\nexec /usr/bin/${name} "$@"\n`, { mode: 0o755 });
    }
    const poisoned = await startTestHost({ env: { PATH: `${evil}:${process.env.PATH}`, LD_PRELOAD: path.join(evil, "nope.so") } });
    try {
      const info = await poisoned.start("poisoned", { env: { PATH: evil, BASH_ENV: path.join(evil, "sh") } });
      expect((await agentExec(info, "echo ok")).output).toBe("ok\n");
      expect(fs.existsSync(marker) ? fs.readFileSync(marker, "utf8") : "").toBe("");
    } finally {
      await poisoned.stop();
      fs.rmSync(evil, { recursive: true, force: true });
    }
  });
});

describe("a runtime host that cannot isolate", () => {
  it("refuses to start runtimes (503 naming the reason) and says so on /health", async () => {
    const broken = await startTestHost({ env: { BURSTFLARE_SANDBOX_FAULT: "network namespaces unsupported (simulated)" } });
    try {
      const { status, body } = await health(broken);
      expect(status).toBe(503);
      expect(body).toMatchObject({ ok: false, sandbox: "unavailable", runtimes: 0 });
      expect(body.reason).toContain("network namespaces unsupported (simulated)");
      expect(body.isolation.networkNamespace).toBe(false);

      const res = await broken.request("/runtimes", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ runtimeId: "never" }),
      });
      expect(res.status).toBe(503);
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe("runtime_unavailable");
      expect(error.message).toContain("network namespaces unsupported (simulated)");
      expect(((await (await broken.request("/runtimes")).json()) as { runtimes: unknown[] }).runtimes).toEqual([]);
      expect(fs.existsSync(path.join(broken.dataDir, "never"))).toBe(false);
    } finally {
      await broken.stop();
    }
  });

  it("runs unisolated only when plain mode is asked for, and says what is missing", async () => {
    const plain = await startTestHost({ env: { BURSTFLARE_SANDBOX: "plain" } });
    try {
      const { status, body } = await health(plain);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        ok: true,
        sandbox: "plain",
        isolation: { ownUser: false, networkNamespace: false, privateTmp: false, noNewPrivs: false, runtimeNetwork: null },
      });
      expect(body.isolation.limits).toEqual({ memory: null, pids: null, cpu: null, disk: null });
      const info = await plain.start("plain", { previewPort: 3000 });
      expect(new URL(info.agentURL).hostname).toBe("127.0.0.1");
    } finally {
      await plain.stop();
    }
  });
});
