import { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { packFrames } from "../net/frames";

/** Largest frame sent: big enough that workerd and ws pay their per-message costs rarely. */
export const MAX_FRAME = 256 * 1024;

type Callback = (error?: Error | null) => void;

/**
 * A WebSocket carrying a raw byte stream (binary frames), as a Duplex the ssh2 server
 * can treat like a TCP socket. Backpressure both ways: the socket is paused while the
 * reader is full, and a writer is held back while a full frame waits for ws to write it.
 *
 * Writes coalesce without waiting: ssh2 writes one SSH packet (≤ 32 KB) at a time; a packet
 * written while no frame is being written goes out at once, and the packets written meanwhile
 * leave together, as frames of up to MAX_FRAME, when that write completes. (A timed hold, as the
 * terminal's, was tried: it measured no faster for SSH, whose packets are already 32 KB, and it
 * would delay interactive SSH output during bulk transfers.)
 */
export class WebSocketStream extends Duplex {
  readonly remoteAddress = "127.0.0.1";
  readonly remoteFamily = "IPv4";
  readonly remotePort = 0;

  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Frames handed to ws whose write has not completed. */
  private inFlight = 0;
  /** The write that filled a frame: completed once that frame is written (backpressure). */
  private blocked: Callback | null = null;
  /** end(): called once everything pending is written. */
  private finishing: Callback | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly onTraffic: () => void,
  ) {
    super({ allowHalfOpen: false });
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      onTraffic();
      const chunk = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (!this.push(chunk)) ws.pause();
    });
    ws.on("close", () => {
      this.push(null);
      this.destroy();
    });
    ws.on("error", (err) => this.destroy(err));
  }

  override _read(): void {
    this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: Callback): void {
    if (this.ws.readyState !== this.ws.OPEN) {
      callback(new Error("websocket closed"));
      return;
    }
    this.onTraffic();
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < MAX_FRAME) callback();
    else this.blocked = callback;
    this.flush();
  }

  /** Sends what is pending unless a send is still being written (its completion sends the rest). */
  private flush(): void {
    if (this.inFlight > 0 || this.pendingBytes === 0) return;
    const frames = packFrames(this.pending, MAX_FRAME);
    this.pending = [];
    this.pendingBytes = 0;
    this.inFlight = frames.length;
    for (const frame of frames) {
      this.ws.send(frame, { binary: true }, (err) => {
        if (err) {
          this.destroy(err);
          return;
        }
        if (--this.inFlight === 0) this.written();
      });
    }
  }

  private written(): void {
    if (this.pendingBytes > 0) this.flush();
    else if (this.finishing) this.finish();
    // The writer held back goes on now; what it writes next waits for this send to complete.
    const blocked = this.blocked;
    this.blocked = null;
    blocked?.();
  }

  override _final(callback: Callback): void {
    this.finishing = callback;
    if (this.inFlight === 0 && this.pendingBytes === 0) this.finish();
    else this.flush();
  }

  private finish(): void {
    const callback = this.finishing;
    this.finishing = null;
    this.ws.close(1000);
    callback?.();
  }

  override _destroy(err: Error | null, callback: (error: Error | null) => void): void {
    this.pending = [];
    this.pendingBytes = 0;
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(err ? 1011 : 1000);
    callback(err);
  }

  setNoDelay(): this {
    return this;
  }
}
