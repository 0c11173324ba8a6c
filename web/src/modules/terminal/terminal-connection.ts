import type { TerminalClientFrame } from "@burstflare/sdk/protocol/terminal";

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "offline";

/** The slice of the browser's network state the connection needs; injectable for tests. */
export interface NetworkMonitor {
  isOnline(): boolean;
  subscribe(listener: (online: boolean) => void): () => void;
}

const browserNetwork: NetworkMonitor = {
  isOnline: () => (typeof navigator === "undefined" ? true : navigator.onLine !== false),
  subscribe(listener) {
    const on = () => listener(true);
    const off = () => listener(false);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  },
};

interface TerminalConnectionOptions {
  /** Built on every attempt so the current size goes into the query. */
  url: () => string;
  onData: (data: Uint8Array | string) => void;
  /**
   * Called when a reconnect opens, before any replayed bytes arrive: the agent replays the
   * terminal's recent output to a returning client, so the view clears first to avoid doubling it.
   */
  onReset: () => void;
  onStatus: (status: ConnectionStatus) => void;
  WebSocketImpl?: typeof WebSocket;
  network?: NetworkMonitor;
  initialDelayMs?: number;
  maxDelayMs?: number;
  random?: () => number;
}

/**
 * One terminal's WebSocket, kept alive: exponential backoff with jitter after a drop,
 * an immediate retry when the browser comes back online, and a status for the UI.
 * Output frames are binary (written as bytes); input and resize go out as JSON text frames.
 */
export class TerminalConnection {
  private ws: WebSocket | null = null;
  private status: ConnectionStatus = "connecting";
  private attempt = 0;
  private everConnected = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private unsubscribeNetwork: () => void = () => {};
  private readonly Impl: typeof WebSocket;
  private readonly network: NetworkMonitor;

  constructor(private readonly opts: TerminalConnectionOptions) {
    this.Impl = opts.WebSocketImpl ?? globalThis.WebSocket;
    this.network = opts.network ?? browserNetwork;
  }

  get currentStatus(): ConnectionStatus {
    return this.status;
  }

  connect(): void {
    this.unsubscribeNetwork = this.network.subscribe((online) => (online ? this.onOnline() : this.onOffline()));
    if (this.network.isOnline()) this.open();
    else this.setStatus("offline");
  }

  send(frame: TerminalClientFrame): boolean {
    if (this.ws?.readyState !== 1) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  input(data: string): boolean {
    return this.send({ type: "input", data });
  }

  resize(cols: number, rows: number): boolean {
    return this.send({ type: "resize", cols, rows });
  }

  /** Drops the current socket and dials again at once (the "Reconnect" button). */
  reconnectNow(): void {
    if (this.disposed) return;
    this.clearTimer();
    this.closeSocket();
    this.attempt = 0;
    this.setStatus(this.everConnected ? "reconnecting" : "connecting");
    this.open();
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.unsubscribeNetwork();
    this.closeSocket();
  }

  private open(): void {
    if (this.disposed) return;
    const ws = new this.Impl(this.opts.url());
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      if (this.everConnected) this.opts.onReset();
      this.everConnected = true;
      this.attempt = 0;
      this.setStatus("connected");
    };
    ws.onmessage = (event: MessageEvent) => {
      if (ws !== this.ws) return;
      const data = event.data;
      if (typeof data === "string") this.opts.onData(data);
      // Checked by shape: an ArrayBuffer from another realm (iframe, test DOM) fails instanceof.
      else if (data && typeof (data as ArrayBuffer).byteLength === "number") this.opts.onData(new Uint8Array(data as ArrayBuffer));
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.scheduleRetry();
    };
    // An error is always followed by close; the retry is scheduled there.
    ws.onerror = () => {};
  }

  private scheduleRetry(): void {
    if (this.disposed) return;
    if (!this.network.isOnline()) {
      this.setStatus("offline");
      return;
    }
    this.setStatus(this.everConnected ? "reconnecting" : "connecting");
    const base = this.opts.initialDelayMs ?? 500;
    const max = this.opts.maxDelayMs ?? 10_000;
    const delay = Math.min(max, base * 2 ** this.attempt) * (0.75 + 0.5 * (this.opts.random ?? Math.random)());
    this.attempt += 1;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.open();
    }, delay);
  }

  private onOffline(): void {
    if (this.disposed) return;
    // The browser knows the network is gone; waiting for TCP to notice could take minutes.
    this.clearTimer();
    this.closeSocket();
    this.setStatus("offline");
  }

  private onOnline(): void {
    if (this.disposed || this.status === "connected") return;
    this.clearTimer();
    this.closeSocket();
    this.attempt = 0;
    this.setStatus(this.everConnected ? "reconnecting" : "connecting");
    this.open();
  }

  private closeSocket(): void {
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= 1) {
      try {
        ws.close(1000, "client closed");
      } catch {}
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.opts.onStatus(status);
  }
}

/** ws(s)://host/runtime/sessions/:id/terminal?terminal=&cols=&rows= on the app's own origin. */
export function terminalURL(sessionId: string, terminalId: string, cols: number, rows: number, loc: Location = window.location): string {
  const proto = loc.protocol === "https:" ? "wss:" : "ws:";
  const q = new URLSearchParams({ terminal: terminalId, cols: String(cols), rows: String(rows) });
  return `${proto}//${loc.host}/runtime/sessions/${encodeURIComponent(sessionId)}/terminal?${q}`;
}

/**
 * The terminal id of one of a user's tabs. The runtime gives a terminal only to whoever opened
 * it, so ids carry the user's id (`usr_` plus 16 characters): members never ask for the same one.
 */
export function terminalId(userId: string, tab: string): string {
  return `${userId}-${tab}`;
}
