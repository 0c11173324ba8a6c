import type { Duplex, Readable, Writable } from "node:stream";
import type { WebSocket } from "ws";
import { CLIError } from "../output";
import { pipeCoalesced } from "./coalesce";

/** The ssh WebSocket URL of a session: same origin as the API, ws(s) scheme. */
export function sshTunnelURL(baseURL: string, sessionId: string): string {
  const url = new URL(`${baseURL.replace(/\/+$/, "")}/runtime/sessions/${encodeURIComponent(sessionId)}/ssh`);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

const zeroMask = (mask: Buffer) => {
  mask.fill(0);
};

/**
 * ssh ends its ProxyCommand with SIGHUP once the connection is over. Exiting normally instead of
 * dying of the signal lets Node run its exit hooks, among them writing a `--cpu-prof` profile.
 */
export function exitOnHangup(): void {
  for (const signal of ["SIGHUP", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
}

export class TunnelError extends Error {
  readonly status: number | null;
  readonly code: string;
  constructor(message: string, status: number | null, code: string) {
    super(message);
    this.name = "TunnelError";
    this.status = status;
    this.code = code;
  }
}

export interface Tunnel {
  ws: WebSocket;
  /** Wraps the socket from the first moment: the SSH server speaks first, and no frame may be missed. */
  stream: Duplex;
}

/** Opens the tunnel WebSocket; a refused upgrade rejects with the server's error code and message. */
export async function openTunnel(url: string, token: string, { timeoutMs = 30_000 } = {}): Promise<Tunnel> {
  // Loaded here, not at start: only the commands that open a tunnel pay for ws and the HTTP stack.
  const { WebSocket, createWebSocketStream } = await import("ws");
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: timeoutMs,
      // SSH already encrypts and compresses; deflate would only burn CPU.
      perMessageDeflate: false,
      // An all-zero mask makes ws skip masking, a per-byte XOR copy of every frame in JavaScript.
      // Masking protects intermediaries from payloads a browser script chose; this client sends
      // SSH ciphertext, and over wss:// no intermediary sees the frames at all.
      generateMask: zeroMask,
    });
    ws.binaryType = "nodebuffer";
    const stream = createWebSocketStream(ws);
    // Until open, failures are reported through the promise; the stream's own echo of them is noise.
    const swallow = () => {};
    stream.on("error", swallow);
    ws.once("open", () => {
      stream.off("error", swallow);
      resolve({ ws, stream });
    });
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        if (body.length < 4096) body += d;
      });
      res.on("end", () => {
        let code = res.statusCode === 401 ? "unauthorized" : res.statusCode === 404 ? "not_found" : "tunnel_refused";
        let message = `the ssh tunnel was refused (HTTP ${res.statusCode})`;
        try {
          const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
          if (parsed.error?.code) code = parsed.error.code;
          if (parsed.error?.message) message = `the ssh tunnel was refused: ${parsed.error.message}`;
        } catch {}
        reject(new TunnelError(message, res.statusCode ?? null, code));
        ws.terminate();
      });
    });
    ws.once("error", (err) => reject(new TunnelError(`cannot open the ssh tunnel: ${err.message}`, null, "network_error")));
  });
}

/**
 * Pipes input → WebSocket (binary frames) and WebSocket → output until either side closes.
 * The stream wrapper pauses the socket when output is slow; input waits for each frame to be
 * written before the next, joining what it read meanwhile into one frame (pipeCoalesced), so
 * memory stays bounded at any speed and a busy socket gets fewer, larger frames.
 */
export function bridge({ ws, stream: duplex }: Tunnel, input: Readable, output: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let stopInput = () => {};
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      stopInput();
      input.pause();
      if (err) reject(err);
      else resolve();
    };
    duplex.on("error", (err) => {
      // The peer closing mid-write is an ordinary end of session, not a failure.
      if (ws.readyState === ws.CLOSED || ws.readyState === ws.CLOSING) finish();
      else finish(err);
    });
    duplex.pipe(output, { end: false });
    // 'end' comes once every byte the peer sent has been handed to output.
    duplex.on("end", () => finish());
    duplex.on("close", () => finish());
    stopInput = pipeCoalesced(input, duplex);
  });
}

/** The tunnel's refusal with the fix for its cause (the same words `flare ssh-proxy` uses). */
export function tunnelFailure(err: TunnelError): CLIError {
  return new CLIError(err.code, err.message, {
    hint:
      err.code === "unauthorized" || err.code === "expired_token"
        ? "the ssh token is short-lived; connect again (flare mints a fresh one), or `flare auth login`"
        : "check the session with `flare session status`, then try again",
  });
}
