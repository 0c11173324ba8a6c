import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import net from "node:net";
import { type Principal, SSH_AUTHORIZED_KEYS_HEADER, SSH_USER_HEADER } from "@burstflare/sdk/protocol/agent";
import type { Connection } from "ssh2";
import type { WebSocket } from "ws";
import type { ActivityTracker } from "../activity/activity-tracker";
import type { AgentConfig } from "../config";
import { ConnectionRegistry, endWebSocket } from "../connections/connection-registry";
import { OwnedSessions } from "../exec/kill-session";
import { MemberGroups } from "../exec/member-groups";
import { shellEnv } from "../shell";
import { AgentForwarding, agentSocketDir } from "./agent-forwarding";
import { parseAuthorizedKeys, publicKeyAllowed } from "./authorized-keys";
import { loadHostKey } from "./host-key";
import { handleChannel } from "./ssh-channel";
import { loadSSH2 } from "./ssh2-module";
import { WebSocketStream } from "./websocket-stream";

/** Names of the runtime itself that `ssh -L` may use; each means 127.0.0.1 here, without a lookup. */
const LOOPBACK_NAMES = new Set(["localhost", "0.0.0.0", "ip6-localhost"]);
const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/**
 * Where a direct-tcpip (ssh -L) request may connect: an IP literal on loopback (127.0.0.0/8, ::1)
 * or a loopback name above, else null. Any other name is refused before a DNS lookup: a name
 * like 127.1.0.0.1.nip.io looks like loopback and resolves anywhere.
 */
export function forwardHost(dest: string): string | null {
  if (LOOPBACK_NAMES.has(dest)) return "127.0.0.1";
  const family = net.isIP(dest);
  return family !== 0 && LOOPBACK.check(dest, family === 4 ? "ipv4" : "ipv6") ? dest : null;
}

const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/i;

/**
 * The runtime's SSH server. Each /ssh WebSocket gets its own ssh2 Server instance fed
 * through injectSocket, so per-connection facts (which keys may log in) stay with it.
 */
export class SSHService {
  /** Made or read on the first connection, with ssh2 itself (ssh2-module.ts). */
  private hostKey: Buffer | null = null;
  private readonly agentDir: string;
  /** Keeps the per-user agent socket names unguessable across agent processes. */
  private readonly agentKeySalt = randomBytes(16).toString("hex");
  /** What each user's SSH channels run, `nohup` jobs included: ended when the user loses access. */
  private readonly sessions = new OwnedSessions();

  constructor(
    private readonly config: AgentConfig,
    private readonly activity: ActivityTracker,
    private readonly connections: ConnectionRegistry = new ConnectionRegistry(),
  ) {
    this.agentDir = agentSocketDir(config.dataDir);
  }

  accept(ws: WebSocket, req: IncomingMessage): void {
    const principal = ConnectionRegistry.principalOf(req);
    ws.on(
      "close",
      this.connections.track(principal, () => endWebSocket(ws)),
    );
    const done = this.activity.connect("ssh");
    // The stream buffers the client's first bytes while ssh2 loads.
    const stream = new WebSocketStream(ws, () => this.activity.touch("ssh"));
    stream.on("close", done);
    stream.on("error", () => {});
    loadSSH2()
      .then((ssh2) => this.serve(ssh2, stream, req, principal))
      .catch((err) => {
        // The client only sees the connection close before the banner; the reason goes to the runtime's log.
        process.stderr.write(`agent: ssh connection not served: ${err instanceof Error ? err.message : String(err)}\n`);
        stream.destroy();
      });
  }

  private serve(
    ssh2: Awaited<ReturnType<typeof loadSSH2>>,
    stream: WebSocketStream,
    req: IncomingMessage,
    principal: Principal | null,
  ): void {
    if (stream.destroyed) return;
    this.hostKey ??= loadHostKey(this.config.dataDir, ssh2.utils, this.config.sshHostKeySeed);
    const allowed = parseAuthorizedKeys(req.headers[SSH_AUTHORIZED_KEYS_HEADER], ssh2.utils);
    const headerUser = req.headers[SSH_USER_HEADER];
    const server = new ssh2.Server({ hostKeys: [this.hostKey], ident: "BurstFlare" }, (client) => {
      let user = typeof headerUser === "string" && USER_NAME.test(headerUser) ? headerUser : "dev";
      client.on("authentication", (ctx) => {
        if (ctx.method === "publickey" && publicKeyAllowed(ctx, allowed)) {
          if (typeof headerUser !== "string" && USER_NAME.test(ctx.username)) user = ctx.username;
          ctx.accept();
        } else ctx.reject(["publickey"]);
      });
      client.on("ready", () => this.ready(client, user, principal));
      client.on("error", () => {});
    });
    server.on("error", () => {});
    server.injectSocket(stream as unknown as net.Socket);
  }

  /** Ends everything `userId`'s SSH channels started, `nohup` jobs included (they lost access). */
  killOwnedBy(userId: string): number {
    return this.sessions.killOwnedBy(userId);
  }

  /**
   * A forwarded agent is offered only to the forwarding user's own SSH channels: each user's
   * forwarding sockets and stable link carry a key of their own, so another member's connection
   * never gets (or, by the stable path, inherits) it.
   */
  private agentOwnerKey(principal: Principal | null): string {
    const owner = principal?.userId ?? "anonymous";
    return createHash("sha256").update(`${this.agentKeySalt}:${owner}`).digest("hex").slice(0, 8);
  }

  private ready(client: Connection, user: string, principal: Principal | null): void {
    const connectionId = randomBytes(4).toString("hex");
    const forwarding = new AgentForwarding(this.agentDir, this.agentOwnerKey(principal), connectionId, client);
    let authSock: string | null = null;
    const env = () => shellEnv(this.config, { USER: user, LOGNAME: user, ...(authSock ? { SSH_AUTH_SOCK: authSock } : {}) });
    client.on("close", () => forwarding.close());
    client.on("session", (accept) => {
      handleChannel(accept(), {
        cwd: this.config.workspace,
        env,
        enableAgentForwarding: async () => {
          authSock = await forwarding.start();
        },
        launch: (file, args) => MemberGroups.launch(principal?.userId ? { userId: principal.userId } : null, file, args),
        started: (pid) => {
          if (principal?.userId) this.sessions.add(principal.userId, pid);
        },
      });
    });
    // direct-tcpip (ssh -L, VS Code): only to services inside the runtime, i.e. on loopback.
    client.on("tcpip", (accept, reject, info) => {
      const host = forwardHost(info.destIP);
      if (!host) return reject();
      const socket = net.connect(info.destPort, host);
      socket.once("connect", () => {
        const channel = accept();
        socket.pipe(channel).pipe(socket);
        socket.on("error", () => channel.close());
        channel.on("close", () => socket.destroy());
      });
      socket.once("error", () => reject());
    });
    client.on("request", (_accept, reject) => reject?.());
  }
}
