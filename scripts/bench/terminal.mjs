// A terminal WebSocket client for benches: through the Worker (runtime route) or straight to an agent.
import WebSocket from "ws";

export class BenchTerminal {
  constructor(socket) {
    this.socket = socket;
    this.bytes = 0;
    this.text = "";
    this.keepText = true;
    this.waiters = new Set();
    socket.on("message", (data) => {
      this.bytes += data.length;
      if (this.keepText) this.text = (this.text + data.toString("utf8")).slice(-8192);
      for (const w of this.waiters) w();
    });
  }

  static open(url, headers) {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once("open", () => resolve(new BenchTerminal(socket)));
      socket.once("unexpected-response", (_req, res) => reject(new Error(`terminal upgrade refused: ${res.statusCode} (${url})`)));
      socket.once("error", reject);
    });
  }

  send(data) {
    this.socket.send(JSON.stringify({ type: "input", data }));
  }

  /** Resolves when check() is true after some output arrived (checked on every frame). */
  until(check, timeoutMs = 30_000) {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`terminal timed out; last output: ${JSON.stringify(this.text.slice(-300))}`));
      }, timeoutMs);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
  }

  /** Waits for a shell prompt: output ending in `$ ` or `# ` (ANSI sequences ignored). */
  untilPrompt(timeoutMs) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
    const clean = () => this.text.replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g, "");
    return this.until(() => /[$#%>]\s*$/.test(clean()), timeoutMs);
  }

  close() {
    this.socket.close();
  }
}
