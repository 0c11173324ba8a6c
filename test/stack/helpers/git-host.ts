import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A git server that sessions reach the way they reach GitHub: as a host on the internet.
 *
 * Local runtimes cannot reach this machine, its loopback, private networks or any subnet
 * attached to it (runtime/src/host/runtime-net.ts, docs/security.md §4), and the tests open no
 * hole in that. Instead the server gets a machine of its own: a network namespace joined to the
 * host by a veth pair on a private /30 (10.218.x.y/30, refused to runtimes like all of 10/8), and
 * a TEST-NET-2 address (198.51.100.n/32, RFC 5737) on that namespace's loopback. The host routes
 * that one address through the veth, so it is not a scope-link subnet of this machine, and a
 * runtime's traffic to it is forwarded and masqueraded like any outbound connection; the replies
 * come back through conntrack.
 *
 * The server is `git http-backend` behind git-server.mjs, over HTTPS with a throwaway CA (the git
 * token is only offered over https for hosts that are not loopback, api/src/git/credentials.ts).
 * `gitconfig` is a `.gitconfig` for the workspace (HOME) that trusts that CA, to be shipped in the
 * template's bundle, as a project behind a private CA would.
 *
 * Everything is named after BF_TEST_PORT_BASE and a kind ("s" stack, "e" e2e, "c" contract), so side-by-side
 * suites do not meet; a start first removes what a killed run of the same name left behind.
 */

export interface GitHost {
  /** `198.51.100.n`, the host the git token is stored for. */
  host: string;
  url(repo: string, port?: number): string;
  /** A `.gitconfig` trusting the CA at `~/.bf-test-ca.pem`. */
  gitconfig: string;
  caPem: string;
  /** The two ends of the veth /30 (this machine's and the namespace's), which sessions must not reach. */
  link: { hostIP: string; nsIP: string };
  /** Starts one more server (another port) in the same namespace. */
  serve(port: number): Promise<void>;
  stop(): void;
}

const ip = (args: string[], input?: string) => execFileSync("ip", args, { input, stdio: ["pipe", "pipe", "pipe"] });
const tryIp = (args: string[]) => {
  try {
    ip(args);
  } catch {}
};

type Kind = "s" | "e" | "c";

function names(kind: Kind) {
  const base = Number(process.env.BF_TEST_PORT_BASE ?? 8788);
  const n = Math.floor(base / 100) % 80;
  const k = { s: 0, e: 1, c: 2 }[kind];
  const tag = `bfg${base % 100000}${kind}`;
  return {
    netns: `${tag}-git`,
    hostIf: `${tag}h`,
    nsIf: `${tag}n`,
    hostIP: `10.218.${n}.${k * 4 + 1}`,
    nsIP: `10.218.${n}.${k * 4 + 2}`,
    server: `198.51.100.${10 + n * 3 + k}`,
  };
}

function clear(n: ReturnType<typeof names>): void {
  tryIp(["route", "del", `${n.server}/32`]);
  // Deleting the namespace deletes its veth end, and with it the host's.
  tryIp(["netns", "del", n.netns]);
  if (existsSync(`/sys/class/net/${n.hostIf}`)) tryIp(["link", "del", n.hostIf]);
}

function makeCA(dir: string, address: string): { ca: string; cert: string; key: string } {
  const f = (name: string) => path.join(dir, name);
  const ssl = (args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  ssl(
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=BurstFlare test CA"].concat([
      "-keyout",
      f("ca.key"),
      "-out",
      f("ca.pem"),
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign",
    ]),
  );
  ssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${address}`, "-keyout", f("key.pem"), "-out", f("req.csr")]);
  writeFileSync(f("ext.cnf"), `subjectAltName=IP:${address}\nextendedKeyUsage=serverAuth\n`);
  ssl(
    ["x509", "-req", "-in", f("req.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-days", "2"].concat([
      "-extfile",
      f("ext.cnf"),
      "-out",
      f("cert.pem"),
    ]),
  );
  return { ca: f("ca.pem"), cert: f("cert.pem"), key: f("key.pem") };
}

async function spawnServer(netns: string, root: string, port: number, token: string, tls: { cert: string; key: string }) {
  const script = path.join(import.meta.dirname, "git-server.mjs");
  // Every address of the namespace, its veth end included: so a test can show that end is unreachable, not just closed.
  const args = [script, root, String(port), "x-access-token", token, "0.0.0.0", tls.cert, tls.key];
  // `ip netns exec` execs the server, so the child's pid is the server's own.
  const child = spawn("ip", ["netns", "exec", netns, process.execPath, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`git server exited ${code}`)));
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes('"listening"')) resolve();
    });
  });
  return child;
}

/**
 * Starts the git host serving the bare repositories of `root` on port 443; the token is the only
 * credential. The host owns `root` from then on: stop() removes it with the host's own files.
 */
export async function startGitHost(root: string, token: string, kind: Kind = "s"): Promise<GitHost> {
  const n = names(kind);
  clear(n);
  const dir = mkdtempSync(path.join(os.tmpdir(), "bf-git-tls-"));
  const tls = makeCA(dir, n.server);
  const servers: ChildProcess[] = [];
  const stop = () => {
    for (const s of servers) if (s.pid && s.exitCode === null) process.kill(s.pid, "SIGKILL");
    clear(n);
    for (const d of [dir, root]) rmSync(d, { recursive: true, force: true });
  };
  try {
    ip(
      ["-b", "-"],
      [
        `netns add ${n.netns}`,
        `link add ${n.hostIf} type veth peer name ${n.nsIf} netns ${n.netns}`,
        `addr add ${n.hostIP}/30 dev ${n.hostIf}`,
        `link set ${n.hostIf} up`,
      ].join("\n"),
    );
    ip(
      ["-n", n.netns, "-b", "-"],
      ["link set lo up", `addr add ${n.server}/32 dev lo`, `addr add ${n.nsIP}/30 dev ${n.nsIf}`, `link set ${n.nsIf} up`].join("\n"),
    );
    // A route through a gateway, not a subnet on a link: runtimes reach it as an internet host.
    ip(["route", "replace", `${n.server}/32`, "via", n.nsIP, "dev", n.hostIf]);
    writeFileSync(`/proc/sys/net/ipv6/conf/${n.hostIf}/disable_ipv6`, "1");
    servers.push(await spawnServer(n.netns, root, 443, token, tls));
  } catch (err) {
    stop();
    throw err;
  }
  const caPem = readFileSync(tls.ca, "utf8");
  return {
    host: n.server,
    url: (repo, port) => `https://${n.server}${port ? `:${port}` : ""}/${repo}`,
    gitconfig: "[http]\n\tsslCAInfo = ~/.bf-test-ca.pem\n",
    caPem,
    link: { hostIP: n.hostIP, nsIP: n.nsIP },
    serve: async (port) => {
      servers.push(await spawnServer(n.netns, root, port, token, tls));
    },
    stop,
  };
}
