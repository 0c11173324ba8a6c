import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STACK_PORT, STACK_RUNTIME_PORT, TEST_RUN_TAG } from "../ports";
import { probe } from "../stack/helpers/driver-probe";
import { visitPreview } from "../stack/helpers/preview-host";
import { sessionWithPreviewServer } from "../stack/helpers/preview-server";
import { connectAttempt, machineAddresses, refusedEverywhere, runInTerminal as run } from "../stack/helpers/terminal-run";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * A session is hostile code with a shell. Its runtime must be a container (on the local driver, in
 * all but name): no connection to another runtime, to the runtime host, to wrangler or its
 * inspector, or to any port the machine opened on loopback; its own /tmp; nothing of the control
 * plane's files or processes. Its process and memory limits are checked on both drivers by
 * test/contract/runtime-limits.test.ts.
 */

const driver = probe();

/** The session's preview as a member's browser opens it, through the product. */
async function previewAnswers(user: StackUser, sessionId: string): Promise<boolean> {
  const res = await (await visitPreview(user, sessionId)).get("/ready");
  return res.status === 200 && (await res.text()).includes("Shared preview /ready");
}

describe(`a session's runtime is isolated like a container (${driver.name})`, () => {
  let alice: StackUser;
  let bob: StackUser;
  let a: string;
  let b: string;
  let listener: net.Server;
  let listenerPort: number;
  let listenerConnections = 0;
  const hostFile = `/tmp/bf-host-only-${randomBytes(6).toString("hex")}`;

  beforeAll(async () => {
    alice = await createStackUser();
    bob = await createStackUser();
    [a, b] = await Promise.all([sessionWithPreviewServer(alice, "isolated-a"), sessionWithPreviewServer(bob, "isolated-b")]);
    listener = net.createServer((socket) => {
      listenerConnections++;
      socket.end("host-loopback-secret\n");
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    listenerPort = (listener.address() as net.AddressInfo).port;
    fs.writeFileSync(hostFile, "host only\n");
  });

  afterAll(async () => {
    await new Promise((resolve) => listener?.close(resolve));
    fs.rmSync(hostFile, { force: true });
  });

  it("cannot connect to another session, the runtime host, wrangler, its inspector or a host loopback listener", async () => {
    // Where another runtime would knock on b: its agent (and on containers the sidecar that tunnels into it).
    const doors = await driver.doorsOf(b);
    const bPreviewPort = Number((await run(bob, b, 'printf "%s" "$PORT"')).output);
    expect(bPreviewPort).toBeGreaterThan(0);

    // The probe itself works: the session reaches its own dev server.
    const ownPort = Number((await run(alice, a, 'printf "%s" "$PORT"')).output);
    expect((await run(alice, a, connectAttempt("127.0.0.1", ownPort))).output).toContain("CONNECTED");

    const targets: [string, number][] = [...doors.ports, bPreviewPort].map((port) => [doors.address, port]);
    for (const address of machineAddresses()) {
      for (const port of [STACK_RUNTIME_PORT, STACK_PORT, STACK_PORT + 10000, listenerPort]) targets.push([address, port]);
    }
    const started = Date.now();
    const { output } = await run(alice, a, targets.map(([h, p]) => connectAttempt(h, p)).join("; "), 30_000 + targets.length * 3000);
    refusedEverywhere(output, targets);
    expect(listenerConnections).toBe(0);
    // Refused outright, not left hanging.
    expect(Date.now() - started).toBeLessThan(targets.length * 1000 + 10_000);
  });

  it("keeps both previews working through the product", async () => {
    expect(await previewAnswers(alice, a)).toBe(true);
    expect(await previewAnswers(bob, b)).toBe(true);
  });

  it("gives each runtime its own /tmp, apart from the machine's", async () => {
    const mark = `bf-mark-${randomBytes(6).toString("hex")}`;
    expect((await run(alice, a, `echo from-a > /tmp/${mark} && cat /tmp/${mark}`)).output).toBe("from-a\n");
    const fromB = await run(bob, b, `cat /tmp/${mark}; ls -A /tmp`);
    expect(fromB.output).toContain("No such file or directory");
    expect(fromB.output).not.toContain("from-a");
    expect(fs.existsSync(`/tmp/${mark}`)).toBe(false);
    expect((await run(alice, a, `cat ${hostFile}`)).output).toContain("No such file or directory");
  });

  it("cannot read the control plane's local state, logs or secrets, while its own session works", async () => {
    // Where test/stack/global-setup.ts keeps this stack's D1, Durable Objects, frozen config and logs.
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
    const state = path.join(root, `.wrangler/stack-${TEST_RUN_TAG}-state`);
    const logs = path.join(root, `.wrangler/logs/stack-${TEST_RUN_TAG}`);
    const files = [state, `${state}-frozen`, logs].flatMap((dir) =>
      fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && /\.(sqlite|log|toml)$/.test(e.name))
        .map((e) => path.join(e.parentPath, e.name)),
    );
    // The probe is real: the stack's accounts are in these files, and the host can read them.
    expect(files.filter((f) => f.endsWith(".sqlite")).length).toBeGreaterThan(0);
    expect(files.some((f) => f.endsWith("runtime-host.log"))).toBe(true);
    expect(fs.readFileSync(files.find((f) => f.endsWith(".sqlite"))!).length).toBeGreaterThan(0);

    const tryRead = (f: string) => `if head -c 16 '${f}' > /dev/null; then echo "READ ${f}"; else echo "DENIED ${f}"; fi`;
    const tryList = (d: string) => `if ls -A '${d}' > /dev/null; then echo "LISTED ${d}"; else echo "DENIED ${d}"; fi`;
    const command = [...files.map(tryRead), ...[state, logs, `${state}-frozen`].map(tryList), "echo session-ok > mine.txt && cat mine.txt"];
    const { output } = await run(alice, a, command.join("; "), 60_000);
    for (const f of files) expect(output).toContain(`DENIED ${f}`);
    expect(output).not.toMatch(/^(READ|LISTED) /m);
    expect(output).toMatch(/No such file or directory|Permission denied/);
    expect(output).toContain("session-ok\n");
  });

  // Local runtimes share this machine's kernel and users: the agent's own uid change is what keeps
  // the session's code off it. In a container the session's shells are root, as the agent is
  // (docs/security.md §5), so there the boundary is the container: its own processes only, and no
  // capability that would take it out.
  if (driver.name === "local") {
    it("cannot read the agent's environment (its token) or trace it, though the agent runs as the session's uid", async () => {
      // The agent is the runtime's first process. `/proc/1/status` is readable by anyone; environ, mem
      // and fd need the right to trace it. The control: a process the shell started is open to it.
      const tryOpen = (what: string, test: string) => `if ${test}; then echo "${what}-OPEN $p"; else echo "${what}-DENIED $p"; fi`;
      const command = [
        "sleep 60 & mine=$!",
        'echo "me=$(id -u) agent=$(awk \'/^Uid:/ {print $2 "," $3 "," $4 "," $5}\' /proc/1/status) cmd=$(tr "\\0" " " < /proc/1/cmdline)"',
        `for p in 1 $mine; do ${tryOpen("ENV", "cat /proc/$p/environ > /dev/null 2>&1")}; ${tryOpen("MEM", "(exec 4< /proc/$p/mem) 2> /dev/null")}; ${tryOpen("FD", "ls /proc/$p/fd > /dev/null 2>&1")}; done`,
        "kill $mine",
      ].join("; ");
      const { output } = await run(alice, a, command);
      const ids = /me=(\d+) agent=(\d+),(\d+),(\d+),(\d+) cmd=(.*)/.exec(output);
      expect(ids, output).not.toBeNull();
      const [, me, ...agentIds] = ids!;
      expect(Number(me)).toBeGreaterThan(0);
      expect(agentIds.slice(0, 4)).toEqual([me, me, me, me]);
      expect(ids![6]).toMatch(/agent/);
      expect(output).toMatch(/ENV-OPEN (?!1\b)\d+/);
      expect(output).toMatch(/MEM-OPEN (?!1\b)\d+/);
      for (const what of ["ENV", "MEM", "FD"]) expect(output).toContain(`${what}-DENIED 1\n`);
    });
  } else {
    it("is root only inside its own container: sees no process of this machine or another session, cannot mount or trace outside", async () => {
      const mark = `bf-mark-${randomBytes(6).toString("hex")}`;
      // A process of b's, left running after its terminal closes; b itself sees it (the probe works;
      // -x: the grep's own command line holds the name but is not it).
      await run(bob, b, `setsid -f bash -c 'exec -a ${mark} sleep 120' < /dev/null > /dev/null 2>&1`);
      expect((await run(bob, b, `cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" "\\n" | grep -cx ${mark}`)).output).toMatch(/^[1-9]/);
      const command = [
        "sleep 60 & mine=$!",
        'echo "me=$(id -u) mine=$mine agent=$(tr "\\0" " " < /proc/1/cmdline)"',
        // Every process the session can see, by pid and command line.
        'for p in /proc/[0-9]*; do echo "PROC $(basename $p) $(tr "\\0" " " < $p/cmdline 2>/dev/null)"; done',
        "echo \"CAPS $(awk '/^CapEff:/ {print $2}' /proc/self/status)\"",
        "if mount -t tmpfs none /mnt 2> /dev/null; then echo MOUNTED; umount /mnt; else echo MOUNT-DENIED; fi",
        "kill $mine",
      ].join("; ");
      const { output } = await run(alice, a, command);
      const ids = /me=(\d+) mine=(\d+) agent=(.*)/.exec(output);
      expect(ids, output).not.toBeNull();
      // Root in the container, with the agent as its first process, and its own processes in view.
      expect(ids![1]).toBe("0");
      expect(ids![3]).toMatch(/agent/);
      expect(output).toMatch(new RegExp(`^PROC ${ids![2]} sleep 60`, "m"));
      const seen = [...output.matchAll(/^PROC \d+ (.*)$/gm)].map((m) => m[1]!);
      // This machine's processes (wrangler, workerd, the engine, the local runtime host, this test) and b's are not.
      for (const other of [mark, "wrangler", "workerd", "dockerd", "containerd", "vitest", "runtime/src/host"]) {
        expect(seen.filter((cmd) => cmd.includes(other))).toEqual([]);
      }
      expect(seen.length).toBeLessThan(50);
      // No capability that reaches past the container: CAP_DAC_READ_SEARCH (open_by_handle_at on the
      // host's disk), CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_PTRACE, CAP_SYS_ADMIN.
      const caps = BigInt(`0x${/CAPS ([0-9a-f]+)/.exec(output)![1]}`);
      for (const bit of [2, 12, 13, 16, 17, 19, 21]) expect((caps >> BigInt(bit)) & 1n, `capability ${bit}`).toBe(0n);
      expect(output).toContain("MOUNT-DENIED");
    });
  }
});
