import { Duplex } from "node:stream";
import type { WebSocket } from "ws";

/**
 * A WebSocket carrying a raw byte stream (binary frames), as a Duplex the ssh2 server
 * can treat like a TCP socket. Backpressure both ways: the socket is paused while the
 * reader is full, and writes complete when ws has handed the frame to the kernel.
 */
export class WebSocketStream extends Duplex {
  readonly remoteAddress = "127.0.0.1";
  readonly remoteFamily = "IPv4";
  readonly remotePort = 0;

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

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) {
      callback(new Error("websocket closed"));
      return;
    }
    this.onTraffic();
    this.ws.send(chunk, { binary: true }, (err) => callback(err ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ws.close(1000);
    callback();
  }

  override _destroy(err: Error | null, callback: (error: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(err ? 1011 : 1000);
    callback(err);
  }

  setNoDelay(): this {
    return this;
  }
}
