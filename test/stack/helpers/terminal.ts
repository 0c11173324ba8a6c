import WebSocket from "ws";
import { baseURL } from "./api";

/**
 * A terminal over the runtime route, as the SPA or CLI opens it: sends input frames and
 * collects the binary output so a test can wait for text to appear.
 */
export class TerminalClient {
  output = "";
  private readonly decoder = new TextDecoder();

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data: Buffer, isBinary: boolean) => {
      this.output += isBinary ? this.decoder.decode(data, { stream: true }) : data.toString();
    });
  }

  static open(sessionId: string, headers: Record<string, string>, query = ""): Promise<TerminalClient> {
    const url = `${baseURL().replace(/^http/, "ws")}/runtime/sessions/${sessionId}/terminal${query}`;
    const socket = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new TerminalClient(socket)));
      socket.once("unexpected-response", (_req, res) => reject(new Error(`terminal upgrade refused: ${res.statusCode}`)));
      socket.once("error", reject);
    });
  }

  /** The HTTP status an upgrade attempt is refused with (or 101 when it opens). */
  static async upgradeStatus(sessionId: string, headers: Record<string, string>, kind = "terminal"): Promise<number> {
    const url = `${baseURL().replace(/^http/, "ws")}/runtime/sessions/${sessionId}/${kind}`;
    const socket = new WebSocket(url, { headers });
    return new Promise((resolve) => {
      socket.once("open", () => {
        socket.close();
        resolve(101);
      });
      socket.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      socket.once("error", () => resolve(0));
    });
  }

  send(data: string): void {
    this.socket.send(JSON.stringify({ type: "input", data }));
  }

  async waitFor(pattern: RegExp | string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const matches = () => (typeof pattern === "string" ? this.output.includes(pattern) : pattern.test(this.output));
    while (!matches()) {
      if (Date.now() > deadline)
        throw new Error(`terminal output never matched ${pattern}; got: ${JSON.stringify(this.output.slice(-500))}`);
      if (this.socket.readyState !== WebSocket.OPEN)
        throw new Error(`terminal closed before ${pattern}; got: ${JSON.stringify(this.output.slice(-500))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.close();
    });
  }
}
