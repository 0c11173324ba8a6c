import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderBlock } from "../../src/ssh/config-block";
import { managedPaths } from "../../src/ssh/keys";
import { flareSSHArgs, hostEntries, proxyCommand } from "../../src/ssh/ssh-args";

const self = { node: "/opt/node 22/bin/node", bin: "/repo/cli/bin/flare.mjs" };
const env = { HOME: "/home/ana" };
const defaultDir = "/home/ana/.config/burstflare";

/** config-ssh's entries for `sessions` as signed in to the default server, user ana. */
const entriesFor = (sessions: Parameters<typeof hostEntries>[0]["sessions"], onSkipped?: (s: { id: string }) => void) =>
  hostEntries({
    self,
    baseURL: "http://localhost:8787",
    configDir: defaultDir,
    env,
    paths: managedPaths(defaultDir),
    sessions,
    defaultUser: "ana",
    onSkipped,
  });

describe("proxyCommand", () => {
  it("quotes paths for the shell and omits default --url and --config-dir", () => {
    expect(proxyCommand(self, { baseURL: "http://localhost:8787", configDir: defaultDir, env, target: "ses_1" })).toBe(
      "'/opt/node 22/bin/node' /repo/cli/bin/flare.mjs ssh-proxy ses_1",
    );
  });
  it("spells out a non-default server and config dir so the proxy finds the same credentials", () => {
    expect(proxyCommand(self, { baseURL: "https://bf.example.com", configDir: "/tmp/cfg", env, target: "%n" })).toBe(
      "'/opt/node 22/bin/node' /repo/cli/bin/flare.mjs --url https://bf.example.com --config-dir /tmp/cfg ssh-proxy '%n'",
    );
  });
});

describe("flareSSHArgs", () => {
  const paths = managedPaths("/tmp/cfg");
  const base = {
    self,
    baseURL: "http://localhost:8787",
    configDir: "/tmp/cfg",
    env,
    paths,
    session: { id: "ses_1", name: "dev" },
    sshUser: "ana",
  };

  it("uses the managed key and known_hosts, the session's user, and ends options before the host", () => {
    const args = flareSSHArgs({ ...base, command: ["ls", "-la"] });
    expect(args).toContain(`IdentityFile=${paths.privateKey}`);
    expect(args).toContain("IdentitiesOnly=yes");
    expect(args).toContain(`UserKnownHostsFile=${paths.knownHosts}`);
    expect(args).toContain("StrictHostKeyChecking=accept-new");
    expect(args).toContain("HostKeyAlias=ses_1.burstflare");
    expect(args.slice(args.indexOf("-l"), args.indexOf("-l") + 2)).toEqual(["-l", "ana"]);
    expect(args.slice(-4)).toEqual(["--", "dev.burstflare", "ls", "-la"]);
    const proxy = args.find((a) => a.startsWith("ProxyCommand="));
    expect(proxy).toMatch(/ssh-proxy ses_1$/);
  });

  it("passes agent forwarding, local forwards and tty choices through to ssh", () => {
    const args = flareSSHArgs({
      ...base,
      forwardAgent: true,
      localForwards: ["3000:localhost:3000"],
      tty: true,
      extraOptions: ["LogLevel=ERROR"],
    });
    expect(args).toContain("-A");
    expect(args.slice(args.indexOf("-L"), args.indexOf("-L") + 2)).toEqual(["-L", "3000:localhost:3000"]);
    expect(args).toContain("-tt");
    expect(args).toContain("LogLevel=ERROR");
    expect(flareSSHArgs({ ...base, tty: false })).toContain("-T");
    expect(flareSSHArgs(base)).not.toContain("-T");
  });
});

describe("hostEntries", () => {
  it("has one entry per session plus a wildcard that resolves names at connect time", () => {
    const entries = entriesFor([{ id: "ses_1", name: "dev", sshUser: "ana" }]);
    expect(entries.map((e) => e.host)).toEqual(["dev.burstflare", "*.burstflare"]);
    const dev = Object.fromEntries(entries[0]!.options);
    expect(dev.User).toBe("ana");
    expect(dev.ProxyCommand).toMatch(/ssh-proxy ses_1$/);
    expect(dev.HostKeyAlias).toBe("ses_1.burstflare");
    const wildcard = Object.fromEntries(entries[1]!.options);
    expect(wildcard.ProxyCommand).toMatch(/ssh-proxy '%n'$/);
    expect(entries[1]!.exclude).toEqual(["*'*"]);
    expect(wildcard.HostKeyAlias).toBeUndefined();
  });
});

describe("the wildcard entry's ProxyCommand with a hostile host name", () => {
  // What an ssh without CVE-2023-51385's name check runs: %n pasted as is, then `sh -c "exec …"`.
  // A git submodule URL such as ssh://x$(touch pwned).burstflare/repo names such a host.
  const dir = mkdtempSync(path.join(os.tmpdir(), "flare-proxy-"));
  const argvOf = path.join(dir, "argv.cjs");
  writeFileSync(argvOf, "process.stdout.write(JSON.stringify(process.argv.slice(2)))");
  const wildcard = hostEntries({
    self: { node: process.execPath, bin: argvOf },
    baseURL: "http://localhost:8787",
    configDir: defaultDir,
    env,
    paths: managedPaths(defaultDir),
    sessions: [],
    defaultUser: null,
  }).at(-1)!;
  const command = Object.fromEntries(wildcard.options).ProxyCommand!;

  it("hands the name to ssh-proxy as one literal word: nothing in it runs", () => {
    const marker = path.join(dir, "pwned");
    for (const name of [
      `x$(touch ${marker}).burstflare`,
      `x\`touch ${marker}\`.burstflare`,
      `x;touch ${marker};.burstflare`,
      `x --url=http://evil.example .burstflare`,
      `x\ntouch ${marker}\n.burstflare`,
    ]) {
      const ran = spawnSync("/bin/sh", ["-c", `exec ${command.replaceAll("%n", name)}`], { cwd: dir, encoding: "utf8" });
      expect(JSON.parse(ran.stdout), JSON.stringify(name)).toEqual(["ssh-proxy", name]);
      expect(existsSync(marker)).toBe(false);
    }
  });

  it("does not match a name holding the quote, which could close it", () => {
    const block = renderBlock([wildcard]);
    expect(block).toContain(`Host *.burstflare "!*'*"\n`);
  });
});

describe("config-ssh's entries from a listing with hostile names", () => {
  // Session names are other members' words, relayed by the server: ssh_config has no escaping, so a
  // line break in a name, id or login name wrote a directive of theirs into ~/.ssh/config (`Host *`
  // with a ProxyCommand ran their command for every host the person then reached with ssh), and a
  // stray quote made ssh refuse the whole file.
  const inject = "\nHost *\n  ProxyCommand /tmp/evil %h";
  const hostile = [
    { id: "ses_a", name: `a${inject}`, sshUser: "ana" },
    { id: `ses_b${inject}`, name: "b", sshUser: "ana" },
    { id: "ses_c", name: "c", sshUser: `ana${inject}` },
    { id: "ses_d", name: "*", sshUser: "ana" },
  ];
  const dir = mkdtempSync(path.join(os.tmpdir(), "flare-config-"));

  /** What ssh -G resolves for `host` from the block made of `sessions` (status, options). */
  function resolve(sessions: typeof hostile, host: string, onSkipped?: (s: { id: string }) => void) {
    const entries = entriesFor([...sessions, { id: "ses_1", name: "dev", sshUser: "ana" }], onSkipped);
    const file = path.join(dir, "config");
    writeFileSync(file, renderBlock(entries));
    const ran = spawnSync("ssh", ["-G", "-F", file, host], { encoding: "utf8" });
    return { status: ran.status, stderr: ran.stderr, options: ran.stdout };
  }

  it("writes none of their directives: other hosts resolve without a ProxyCommand", () => {
    for (const row of hostile) {
      const github = resolve([row], "github.com");
      expect(github.status, `${JSON.stringify(row)}: ${github.stderr}`).toBe(0);
      expect(github.options, JSON.stringify(row)).not.toMatch(/^proxycommand /m);
    }
  });

  it("leaves out the sessions it cannot write, and writes the others as usual", () => {
    const skipped: string[] = [];
    const dev = resolve(hostile, "dev.burstflare", (s) => skipped.push(s.id));
    expect(dev.options).toMatch(/^proxycommand .*ssh-proxy ses_1$/m);
    expect(skipped).toEqual(["ses_a", hostile[1]!.id, "ses_d"]);
    // A login name it cannot write gives way to the default one.
    const c = resolve(hostile, "c.burstflare");
    expect(c.options).toMatch(/^user ana$/m);
    expect(c.options).toMatch(/^proxycommand .*ssh-proxy ses_c$/m);
  });
});
