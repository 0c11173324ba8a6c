import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { until } from "./api";
import type { FlareHome } from "./flare";

/** The real OpenSSH clients the stack tests drive (not ssh2): what a person's machine has. */
export const SSH = "/usr/bin/ssh";
export const SCP = "/usr/bin/scp";

/** The Host name `flare config-ssh` writes for a session (its name or id). */
export const configSshHost = (session: string) => `${session}.burstflare`;

/** Stops one child by its pid and waits until it is gone; a child that already exited is left alone. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const closed = new Promise((r) => child.once("close", r));
  child.kill("SIGTERM");
  await closed;
}

/** Long-running children a test file starts (ssh -L, a server inside the session) and must stop, whatever happens. */
export class Children {
  private readonly started: ChildProcess[] = [];

  /** Spawns with this environment (a FlareHome's env, usually); `output()` is stdout and stderr so far. */
  start(command: string, args: string[], env: NodeJS.ProcessEnv) {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    this.started.push(child);
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    return { child, output: () => out };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.map(stopChild));
  }
}

/** An ed25519 key pair made by ssh-keygen in `dir`: the private key's file and the public key's line. */
export function keygen(dir: string, name: string): { file: string; publicKey: string } {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, name)]);
  return { file: path.join(dir, name), publicKey: readFileSync(path.join(dir, `${name}.pub`), "utf8").trim() };
}

/**
 * `ssh -L` end to end: starts a one-line HTTP server answering `reply` on `ports.inside` inside the
 * session (over plain ssh to `host`), forwards `ports.local` to it, and returns the body fetched
 * through the tunnel. Both ssh children are stopped before it returns.
 */
export async function fetchThroughForward(
  children: Children,
  fh: FlareHome,
  host: string,
  ports: { inside: number; local: number },
  reply: string,
): Promise<string> {
  const script = `require('http').createServer((q,r)=>r.end('${reply}')).listen(${ports.inside},'127.0.0.1',()=>console.log('listening'))`;
  const server = children.start(SSH, ["-F", fh.sshConfig, host, `exec node -e "${script}"`], fh.env);
  try {
    await until(() => server.output().includes("listening"), "the server inside the session", 30_000);
    const forward = children.start(
      SSH,
      ["-F", fh.sshConfig, "-N", "-o", "ExitOnForwardFailure=yes", "-L", `${ports.local}:127.0.0.1:${ports.inside}`, host],
      fh.env,
    );
    try {
      return await until(
        async () => {
          const res = await fetch(`http://127.0.0.1:${ports.local}/`).catch(() => null);
          return res?.ok ? res.text() : null;
        },
        "the forwarded port",
        30_000,
      );
    } finally {
      await stopChild(forward.child);
    }
  } finally {
    await stopChild(server.child);
  }
}
