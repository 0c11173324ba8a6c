import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Connection, ServerChannel } from "ssh2";

interface ChannelOpener {
  _chanMgr: { add(cb: unknown): number };
  _protocol: { openssh_authAgent(chan: number, window: number, packet: number): void };
}

const WINDOW = 2 * 1024 * 1024;
const PACKET = 32 * 1024;

/**
 * ssh2's server side can accept `auth-agent-req@openssh.com` but has no public call to
 * open the `auth-agent@openssh.com` channel back to the client; this does what its own
 * forwardOut() does for other channel types.
 */
function openAgentChannel(client: Connection, callback: (err: Error | undefined, channel?: ServerChannel) => void): void {
  const opener = client as unknown as ChannelOpener;
  const wrapper = Object.assign((err: Error | undefined, channel?: ServerChannel) => callback(err, channel), {
    type: "auth-agent@openssh.com",
  });
  const id = opener._chanMgr.add(wrapper);
  if (id === -1) {
    callback(new Error("no free SSH channels"));
    return;
  }
  opener._protocol.openssh_authAgent(id, WINDOW, PACKET);
}

/**
 * Agent forwarding for one SSH connection: a unix socket whose every connection becomes
 * an auth-agent channel to the client. A stable symlink per user (the SSH_AUTH_SOCK that
 * user's shells get) points at that user's newest forwarding connection, so tmux and long
 * jobs keep a working agent, and never at another user's agent. Names stay short: a unix
 * socket path has at most 107 bytes.
 */
export class AgentForwarding {
  private server: net.Server | null = null;
  readonly socketPath: string;

  constructor(
    private readonly dir: string,
    /** A short key of the forwarding user (ssh-service.ts). */
    private readonly owner: string,
    connectionId: string,
    private readonly client: Connection,
  ) {
    this.socketPath = path.join(dir, `${owner}.${connectionId}.sock`);
  }

  static stablePath(dir: string, owner: string): string {
    return path.join(dir, `${owner}.sock`);
  }

  async start(): Promise<string> {
    if (this.server) return AgentForwarding.stablePath(this.dir, this.owner);
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.rmSync(this.socketPath, { force: true });
    this.server = net.createServer((local) => {
      openAgentChannel(this.client, (err, channel) => {
        if (err || !channel) {
          local.destroy();
          return;
        }
        local.pipe(channel).pipe(local);
        local.on("error", () => channel.close());
        channel.on("close", () => local.destroy());
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.socketPath, () => resolve());
    });
    fs.chmodSync(this.socketPath, 0o600);
    this.pointStableLinkAt(this.socketPath);
    return AgentForwarding.stablePath(this.dir, this.owner);
  }

  close(): void {
    if (!this.server) return;
    this.server.close();
    this.server = null;
    fs.rmSync(this.socketPath, { force: true });
    const stable = AgentForwarding.stablePath(this.dir, this.owner);
    let current = "";
    try {
      current = fs.readlinkSync(stable, "utf8");
    } catch {}
    if (path.resolve(this.dir, current) !== this.socketPath) return;
    // Hand the stable path to another live forwarding connection of the same user, if there is one.
    const other = fs
      .readdirSync(this.dir)
      .filter((n) => n.startsWith(`${this.owner}.`) && /^[0-9a-f]+\.[0-9a-f]+\.sock$/.test(n))
      .map((n) => path.join(this.dir, n))
      .find((p) => fs.existsSync(p));
    if (other) this.pointStableLinkAt(other);
    else fs.rmSync(stable, { force: true });
  }

  private pointStableLinkAt(target: string): void {
    const stable = AgentForwarding.stablePath(this.dir, this.owner);
    const temp = `${stable}.${process.pid}.tmp`;
    fs.rmSync(temp, { force: true });
    fs.symlinkSync(path.basename(target), temp);
    fs.renameSync(temp, stable);
  }
}

/** A unix socket path holds at most 107 bytes; the longest socket name is `<owner>.<connection>.sock` (AgentForwarding). */
const SOCKET_PATH_MAX = 107;
const SOCKET_NAME_MAX = "/0123abcd.0123abcd.sock".length;

/**
 * Where the forwarded-agent sockets live: the agent's data dir, or, where that path is too deep
 * for a socket (a long checkout path on the local driver), a 0700 folder under /tmp named for the
 * data dir, so a restarted agent reuses it rather than leaving one behind each time (private to
 * the runtime in the sandbox). Otherwise `ssh -A` silently gets no agent.
 */
export function agentSocketDir(dataDir: string): string {
  const inDataDir = path.join(dataDir, "ssh-agent");
  // Sockets of a previous agent process are dead; start clean.
  fs.rmSync(inDataDir, { recursive: true, force: true });
  if (inDataDir.length + SOCKET_NAME_MAX <= SOCKET_PATH_MAX) return inDataDir;
  const named = `/tmp/bf-agent-${createHash("sha256").update(dataDir).digest("hex").slice(0, 16)}`;
  const folder = ownPrivateFolder(named) ? named : fs.mkdtempSync("/tmp/bf-");
  const dir = path.join(folder, "ssh-agent");
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}

/**
 * Makes `folder` 0700, or finds it made so by this uid: /tmp is shared on the local driver, and a
 * folder someone else made (or a link) there must not hold our sockets.
 */
function ownPrivateFolder(folder: string): boolean {
  try {
    fs.mkdirSync(folder, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") return false;
  }
  const stat = fs.lstatSync(folder);
  return stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o777) === 0o700;
}
