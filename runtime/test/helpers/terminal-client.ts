import { AGENT_TOKEN_HEADER, type RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import WebSocket from "ws";
import { waitFor } from "./wait";

/** A real WebSocket client of the agent's /terminal that accumulates all output. */
export class TerminalClient {
  output = "";
  /** Size of every frame received, in order. */
  frames: number[] = [];
  closed: { code: number; reason: string } | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      this.frames.push(data.length);
      this.output += data.toString("utf8");
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static async open(info: RuntimeInfo, query = "", headers: Record<string, string> = {}): Promise<TerminalClient> {
    const ws = new WebSocket(`${info.agentURL.replace("http", "ws")}/terminal${query}`, {
      headers: { ...headers, [AGENT_TOKEN_HEADER]: info.agentToken },
    });
    const client = new TerminalClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return client;
  }

  input(data: string): void {
    this.ws.send(JSON.stringify({ type: "input", data }));
  }

  resize(cols: number, rows: number): void {
    this.ws.send(JSON.stringify({ type: "resize", cols, rows }));
  }

  waitFor(text: string | RegExp, timeoutMs = 10_000): Promise<boolean> {
    return waitFor(
      () => (typeof text === "string" ? this.output.includes(text) : text.test(this.output)),
      `terminal output ${text}`,
      timeoutMs,
    );
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.once("close", () => resolve()));
    this.ws.close();
    await closed;
  }
}
