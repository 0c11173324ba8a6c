import fs from "node:fs";
import os, { constants } from "node:os";
import path from "node:path";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import type { Client } from "ssh2";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { agentFetch, startTestHost, type TestHost } from "../helpers/host";
import { type KeyPair, makeKey } from "../helpers/ssh";
import { sshConnect, sshExec } from "../helpers/ssh2-client";
import { waitFor } from "../helpers/wait";

/** A channel's requests, even hostile ones, never end the agent: each test checks that it still serves. */
describe("the agent's SSH server under hostile channel requests", () => {
  let host: TestHost;
  let info: RuntimeInfo;
  let dir: string;
  let key: KeyPair;
  const clients: Client[] = [];
  const connect = async () => {
    const client = await sshConnect(info, key);
    clients.push(client);
    return client;
  };
  /** A fresh connection runs a command: the agent survived whatever came before. */
  const stillServes = async () => {
    const res = await sshExec(await connect(), "echo alive-$((20+22))");
    expect(res).toEqual({ stdout: "alive-42\n", code: 0, signal: null });
    expect((await agentFetch(info, "/health")).status).toBe(200);
  };

  beforeAll(async () => {
    host = await startTestHost();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "bf-ssh-hard-"));
    key = makeKey(dir, "user_key");
  });
  // A runtime of its own per test: one attack that takes the agent down fails only its own test.
  let started = 0;
  beforeEach(async () => {
    info = await host.start(`ssh-hardening-${++started}`);
  });
  afterAll(async () => {
    for (const c of clients) c.end();
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports a PTY command killed by a signal as exit-signal, and by one SSH cannot name as 128+n", async () => {
    const client = await connect();
    const pty = { term: "xterm", rows: 24, cols: 80 };
    expect(await sshExec(client, "kill -TERM $$", { pty })).toMatchObject({ code: null, signal: "SIGTERM" });
    expect(await sshExec(client, "kill -BUS $$", { pty })).toMatchObject({ code: 128 + constants.signals.SIGBUS, signal: null });
    await stillServes();
  });

  it("survives a PTY shell the agent hangs up when its client disconnects", async () => {
    const client = await connect();
    await new Promise<void>((resolve, reject) =>
      client.shell({ term: "xterm", rows: 24, cols: 80 }, (err, channel) => {
        if (err) return reject(err);
        let out = "";
        channel.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("ready-7")) resolve();
        });
        channel.write("echo ready-$((3+4))\n");
      }),
    );
    client.end();
    await waitFor(
      async () => ((await (await agentFetch(info, "/health")).json()) as { connections: { ssh: number } }).connections.ssh === 0,
      "ssh connection released",
    );
    await stillServes();
  });

  it("reports a command without PTY killed by a signal ssh2 does not know as 128+n", async () => {
    const client = await connect();
    for (const name of ["BUS", "TRAP", "SYS", "XCPU"] as const) {
      const res = await sshExec(client, `kill -${name} $$`);
      expect(res, name).toMatchObject({ code: 128 + constants.signals[`SIG${name}`], signal: null });
    }
    expect(await sshExec(client, "kill -KILL $$")).toMatchObject({ code: null, signal: "SIGKILL" });
    await stillServes();
  });

  it("refuses an exec request whose command holds a NUL byte, without or with a PTY", async () => {
    const client = await connect();
    await expect(sshExec(client, "echo hi\u0000there")).rejects.toThrow();
    await expect(sshExec(client, "echo hi\u0000there", { pty: { term: "xterm" } })).rejects.toThrow();
    await stillServes();
  });

  it("refuses an env request whose value holds a NUL byte and runs the command without it", async () => {
    const client = await connect();
    const res = await sshExec(client, "echo [$FOO] [$BAR]", { env: { FOO: "a\u0000b", BAR: "ok" } });
    expect(res).toEqual({ stdout: "[] [ok]\n", code: 0, signal: null });
    await stillServes();
  });
});
