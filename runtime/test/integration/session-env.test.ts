import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentExec, startTestHost, type TestHost } from "../helpers/host";
import { bridgeEnv, makeKey, run, sshOptions } from "../helpers/ssh";
import { TerminalClient } from "../helpers/terminal-client";

/** The process and all its descendants, as /proc shows them from the host. */
function processTree(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number) => {
    out.push(p);
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = "";
      try {
        children = fs.readFileSync(`/proc/${p}/task/${task}/children`, "utf8");
      } catch {}
      for (const child of children.split(/\s+/).filter(Boolean)) visit(Number(child));
    }
  };
  visit(pid);
  return out;
}

function environOf(pid: number): Map<string, string> {
  const entries = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
  return new Map(entries.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

/**
 * A session whose secrets or manifest say PATH / LD_PRELOAD / NODE_OPTIONS tries to make the
 * host (root) or the agent run files the session wrote. Every payload leaves a marker file.
 */
describe("session environment reaches user processes only", () => {
  let host: TestHost;
  let trap: string;
  let info: RuntimeInfo;

  beforeAll(async () => {
    trap = fs.mkdtempSync(path.join(os.tmpdir(), "bf-env-trap-"));
    fs.chmodSync(trap, 0o777);
    // Whoever runs one of these (root helper looked up by PATH, or a Node started with the
    // session's NODE_OPTIONS) leaves `ran-<name>` behind and carries on as if nothing happened.
    for (const helper of ["unshare", "sh", "setpriv", "mount", "node", "env"]) {
      const script = `#!/bin/sh\n/usr/bin/id -u > ${trap}/ran-${helper}\nfor d in /usr/bin /bin /usr/sbin /sbin; do [ -x "$d/${helper}" ] && exec "$d/${helper}" "$@"; done\nexit 127\n`;
      fs.writeFileSync(path.join(trap, helper), script, { mode: 0o755 });
    }
    fs.writeFileSync(
      path.join(trap, "hook.js"),
      `require("fs").writeFileSync(${JSON.stringify(`${trap}/ran-node-options`)}, String(process.getuid()));\n`,
      {
        mode: 0o644,
      },
    );
    host = await startTestHost();
    info = await host.start("envtrap", {
      env: {
        PATH: `${trap}:/usr/bin:/bin`,
        LD_PRELOAD: `${trap}/missing.so`,
        NODE_OPTIONS: `--require ${trap}/hook.js`,
        BASH_ENV: `${trap}/hook.sh`,
        BURSTFLARE_AGENT_TOKEN: "chosen-by-the-session",
        FOO: "bar-session-only",
        BURSTFLARE_SESSION_ID: "sess-1",
      },
    });
  });
  afterAll(async () => {
    await host?.stop();
    fs.rmSync(trap, { recursive: true, force: true });
  });

  it("starts the agent without running anything the session named", async () => {
    expect((await agentExec(info, "true")).code).toBe(0);
    expect(fs.readdirSync(trap).filter((f) => f.startsWith("ran-"))).toEqual([]);
    expect(info.agentToken).not.toBe("chosen-by-the-session");
  });

  it("keeps session variables out of every process the host started (helpers and the agent)", async () => {
    const tree = processTree(info.pid);
    const agents = tree.filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("agent");
      } catch {
        return false;
      }
    });
    expect(agents.length).toBeGreaterThan(0);
    for (const pid of tree) {
      let env: Map<string, string>;
      try {
        env = environOf(pid);
      } catch {
        continue; // exited between listing and reading
      }
      for (const name of ["LD_PRELOAD", "NODE_OPTIONS", "BASH_ENV", "FOO", "BURSTFLARE_SESSION_ID"])
        expect(env.has(name), `${name} in pid ${pid}`).toBe(false);
      expect(env.get("PATH") ?? "", `PATH of pid ${pid}`).not.toContain(trap);
      expect(fs.readFileSync(`/proc/${pid}/environ`, "utf8")).not.toContain("bar-session-only");
    }
    // The hand-over file is gone once the agent has read it.
    expect(fs.existsSync(path.join(host.dataDir, "envtrap", "agent", "session-env.json"))).toBe(false);
  });

  it("gives exec and terminals the harmless variables and none of the reserved ones", async () => {
    const probe =
      'printf "%s|%s|%s|%s|%s\\n" "$FOO" "$BURSTFLARE_SESSION_ID" "$(printenv LD_PRELOAD || echo unset)" "$(printenv NODE_OPTIONS || echo unset)" "$PATH"';
    const exec = await agentExec(info, probe);
    const [foo, session, preload, nodeOptions, pathVar] = exec.output.trim().split("|");
    expect({ foo, session, preload, nodeOptions }).toEqual({
      foo: "bar-session-only",
      session: "sess-1",
      preload: "unset",
      nodeOptions: "unset",
    });
    expect(pathVar).not.toContain(trap);

    // Variables on an exec request are held to the same rule.
    const res = await fetch(`${info.agentURL}/exec`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-agent-token": info.agentToken },
      body: JSON.stringify({
        command: 'echo "$EXTRA|$(printenv NODE_OPTIONS || echo unset)|$PATH"',
        env: { EXTRA: "ok", NODE_OPTIONS: `--require ${trap}/hook.js`, PATH: trap },
      }),
    });
    const output = (await res.text())
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; data?: string })
      .filter((e) => e.type === "output")
      .map((e) => e.data)
      .join("");
    expect(output.startsWith("ok|unset|")).toBe(true);
    expect(output).not.toContain(trap);

    const term = await TerminalClient.open(info, "?terminal=env");
    term.input('echo "T:$FOO:$(printenv NODE_OPTIONS || echo unset):$(printenv LD_PRELOAD || echo unset)"; node -e "0"; echo done\r');
    await term.waitFor("T:bar-session-only:unset:unset");
    await term.waitFor(/done\r?\n/);
    await term.close();
    expect(fs.readdirSync(trap).filter((f) => f.startsWith("ran-"))).toEqual([]);
  });

  it("gives SSH sessions the session variables and refuses a client's reserved ones", async () => {
    const key = makeKey(trap, "key");
    const res = await run(
      "ssh",
      [
        ...sshOptions(info, key),
        "-o",
        `SetEnv=LC_PROBE=kept PATH=${trap} LD_PRELOAD=${trap}/missing.so SSH_AUTH_SOCK=${trap}/sock`,
        "dev@runtime",
        'echo "S:$FOO:$LC_PROBE:$(printenv LD_PRELOAD || echo unset):$(printenv SSH_AUTH_SOCK || echo unset):$PATH"',
      ],
      { env: bridgeEnv(info, [key.publicKey]) },
    );
    expect(res.stdout).toMatch(/^S:bar-session-only:kept:unset:unset:/);
    expect(res.stdout).not.toContain(trap);
  });

  it("never follows a symlink the runtime left in its own folders", async () => {
    const victim = path.join(trap, "victim");
    fs.mkdirSync(victim, { mode: 0o700 });
    fs.writeFileSync(path.join(victim, "file"), "root's");
    await host.request("/runtimes/envtrap", { method: "DELETE" });
    // What a session can do to its own folder between two starts.
    const agentDir = path.join(host.dataDir, "envtrap", "agent");
    fs.rmSync(agentDir, { recursive: true, force: true });
    fs.symlinkSync(victim, agentDir);
    const before = fs.statSync(victim);
    await host.request("/runtimes", { method: "POST", body: JSON.stringify({ runtimeId: "envtrap", fresh: false, env: { FOO: "x" } }) });
    const after = fs.statSync(victim);
    expect({ uid: after.uid, gid: after.gid, mode: after.mode }).toEqual({ uid: before.uid, gid: before.gid, mode: before.mode });
    expect(fs.readdirSync(victim)).toEqual(["file"]);
  });
});
