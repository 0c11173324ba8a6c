import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port";
import { agentExec, agentFetch, startTestHost, type TestHost } from "../helpers/host";
import { bridgeEnv, type KeyPair, makeKey, run, sshOptions } from "../helpers/ssh";
import { sha256 } from "../helpers/tree";
import { waitFor } from "../helpers/wait";

describe("SSH over the agent's WebSocket with real OpenSSH", () => {
  let host: TestHost;
  let info: RuntimeInfo;
  let dir: string;
  let key: KeyPair;
  let stranger: KeyPair;
  const ssh = (args: string[], opts: { input?: string; env?: Record<string, string>; keys?: string[]; as?: KeyPair } = {}) =>
    run("ssh", [...sshOptions(info, opts.as ?? key), ...args], {
      env: bridgeEnv(info, opts.keys ?? [key.publicKey], opts.env),
      input: opts.input,
    });

  beforeAll(async () => {
    host = await startTestHost();
    info = await host.start("ssh", { env: { FROM_TEMPLATE: "tmpl" } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bf-ssh-"));
    key = makeKey(dir, "user_key");
    stranger = makeKey(dir, "stranger_key");
  });
  afterAll(async () => {
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs a command with exec and reports its exit status", async () => {
    const res = await ssh(["dev@runtime", "echo hello $FROM_TEMPLATE; pwd; echo oops >&2; exit 3"]);
    expect(res.stdout).toBe(`hello tmpl\n${info.workspaceDir}\n`);
    expect(res.stderr).toBe("oops\n");
    expect(res.code).toBe(3);
    expect((await ssh(["dev@runtime", "true"])).code).toBe(0);
  });

  it("passes stdin through and honours SetEnv", async () => {
    const res = await ssh(["-o", "SetEnv=GREETING=hi-there", "dev@runtime", "echo $GREETING; wc -c"], { input: "x".repeat(100_000) });
    expect(res.stdout).toBe("hi-there\n100000\n");
  });

  it("refuses an unknown key and a connection with no allowed keys", async () => {
    const res = await ssh(["dev@runtime", "echo should-not-run"], { as: stranger });
    expect(res.code).toBe(255);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/Permission denied \(publickey\)/);
    const none = await ssh(["dev@runtime", "echo should-not-run"], { keys: [] });
    expect(none.code).toBe(255);
    expect(none.stdout).toBe("");
  });

  it("gives an interactive shell a PTY with ssh -tt", async () => {
    const res = await ssh(["-tt", "dev@runtime"], { input: "echo answer-$((6*7)); tty; stty size; exit 5\n" });
    expect(res.stdout).toContain("answer-42");
    expect(res.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(res.code).toBe(5);
    const exec = await ssh(["-tt", "dev@runtime", "test -t 0 && echo has-tty"]);
    expect(exec.stdout).toContain("has-tty");
  });

  it("copies a 10 MB file up and down with scp, byte for byte", async () => {
    const local = path.join(dir, "ten.bin");
    const data = randomBytes(10 * 1024 * 1024);
    fs.writeFileSync(local, data);
    expect((await ssh(["dev@runtime", "mkdir -p uploads"])).code).toBe(0);
    const up = await run("scp", [...sshOptions(info, key), local, "dev@runtime:uploads/ten.bin"], {
      env: bridgeEnv(info, [key.publicKey]),
    });
    expect(up.code, up.stderr).toBe(0);
    expect(sha256(fs.readFileSync(path.join(info.workspaceDir, "uploads/ten.bin")))).toBe(sha256(data));
    const back = path.join(dir, "back.bin");
    const down = await run("scp", [...sshOptions(info, key), "dev@runtime:uploads/ten.bin", back], {
      env: bridgeEnv(info, [key.publicKey]),
    });
    expect(down.code, down.stderr).toBe(0);
    expect(sha256(fs.readFileSync(back))).toBe(sha256(data));
  });

  it("forwards a local port to a server inside the runtime with ssh -L", async () => {
    const inner = await freePort();
    const local = await freePort();
    await agentExec(info, `echo forwarded-ok > index.html; nohup python3 -m http.server ${inner} --bind 127.0.0.1 > http.log 2>&1 &`);
    await waitFor(async () => (await agentExec(info, `curl -sf http://127.0.0.1:${inner}/index.html`)).code === 0, "server in runtime");
    const tunnel = spawn(
      "ssh",
      [...sshOptions(info, key), "-N", "-o", "ExitOnForwardFailure=yes", "-L", `127.0.0.1:${local}:127.0.0.1:${inner}`, "dev@runtime"],
      {
        env: bridgeEnv(info, [key.publicKey]),
        stdio: "ignore",
      },
    );
    try {
      const body = await waitFor(async () => {
        const res = await fetch(`http://127.0.0.1:${local}/index.html`);
        return res.ok ? res.text() : null;
      }, "tunnelled response");
      expect(body).toBe("forwarded-ok\n");
    } finally {
      tunnel.kill("SIGTERM");
    }
  });

  it("forwards the local ssh-agent with ssh -A", async () => {
    const started = spawnSync("ssh-agent", ["-s"], { encoding: "utf8" });
    const sock = /SSH_AUTH_SOCK=([^;]+);/.exec(started.stdout)?.[1];
    const agentPid = Number(/SSH_AGENT_PID=(\d+);/.exec(started.stdout)?.[1]);
    expect(sock && agentPid).toBeTruthy();
    try {
      const agentEnv = { SSH_AUTH_SOCK: sock! };
      expect(spawnSync("ssh-add", [key.privateKey], { env: { ...process.env, ...agentEnv } }).status).toBe(0);
      const fingerprint = spawnSync("ssh-keygen", ["-lf", `${key.privateKey}.pub`], { encoding: "utf8" }).stdout.split(" ")[1]!;
      const res = await ssh(["-A", "dev@runtime", "ssh-add -l; echo sock=$SSH_AUTH_SOCK"], { env: agentEnv });
      expect(res.stdout).toContain(fingerprint);
      expect(res.stdout).toMatch(/sock=\/.+\/ssh-agent\/[0-9a-f]{8}\.sock/);
      const noForward = await ssh(["dev@runtime", "ssh-add -l"], { env: agentEnv });
      expect(noForward.stdout).not.toContain(fingerprint);
    } finally {
      process.kill(agentPid, "SIGTERM");
    }
  });

  it("counts SSH connections and traffic as activity", async () => {
    const before = Date.now();
    const session = spawn("ssh", [...sshOptions(info, key), "dev@runtime", "sleep 30"], {
      env: bridgeEnv(info, [key.publicKey]),
      stdio: "ignore",
    });
    try {
      await waitFor(
        async () => ((await (await agentFetch(info, "/health")).json()) as { connections: { ssh: number } }).connections.ssh === 1,
        "ssh connection counted",
      );
      const health = (await (await agentFetch(info, "/health")).json()) as { lastActivity: { ssh: number } };
      expect(health.lastActivity.ssh).toBeGreaterThanOrEqual(before);
    } finally {
      session.kill("SIGTERM");
    }
    await waitFor(
      async () => ((await (await agentFetch(info, "/health")).json()) as { connections: { ssh: number } }).connections.ssh === 0,
      "ssh connection released",
    );
  });

  it("keeps its host key across agent restarts", async () => {
    const knownHosts = path.join(dir, "known_hosts");
    const opts = (i: RuntimeInfo) => sshOptions(i, key, knownHosts);
    const first = await run("ssh", [...opts(info), "dev@runtime", "true"], { env: bridgeEnv(info, [key.publicKey]) });
    expect(first.code, first.stderr).toBe(0);
    expect(fs.readFileSync(knownHosts, "utf8")).toMatch(/ssh-ed25519/);
    await host.request("/runtimes/ssh", { method: "DELETE" });
    info = await host.start("ssh");
    const strict = [
      ...opts(info).map((o) => (o === "StrictHostKeyChecking=accept-new" ? "StrictHostKeyChecking=yes" : o)),
      "dev@runtime",
      "echo same-key",
    ];
    const second = await run("ssh", strict, { env: bridgeEnv(info, [key.publicKey]) });
    expect(second.stdout).toBe("same-key\n");
  });
});
