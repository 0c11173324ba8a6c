import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { MAX_FRAME, WebSocketStream } from "../../../src/agent/ssh/websocket-stream";

/** Enough of ws for the stream: send() completes only when the test says the kernel took it. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CONNECTING = 0;
  readyState = 1;
  paused = false;
  sent: Buffer[] = [];
  private callbacks: Array<(err?: Error) => void> = [];
  send(data: Buffer, _opts: unknown, cb: (err?: Error) => void) {
    this.sent.push(Buffer.from(data));
    this.callbacks.push(cb);
  }
  /** Completes every write handed over so far. */
  complete() {
    const cbs = this.callbacks;
    this.callbacks = [];
    for (const cb of cbs) cb();
  }
  get inFlight() {
    return this.callbacks.length;
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  close() {
    this.readyState = 3;
  }
}

const tick = () => new Promise((r) => setImmediate(r));

/** Resolves once check() holds; fails the test after a second. */
async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 1000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

function streamOn() {
  const ws = new FakeSocket();
  const stream = new WebSocketStream(ws as unknown as WebSocket, () => {});
  stream.on("error", () => {});
  return { ws, stream };
}

describe("WebSocketStream", () => {
  it("sends the first write of an idle stream at once, without waiting for more data", () => {
    const { ws, stream } = streamOn();
    stream.write(Buffer.from("hello"));
    expect(ws.sent.map(String)).toEqual(["hello"]);
  });

  it("coalesces writes made while a frame is being written into one frame, in order", async () => {
    const { ws, stream } = streamOn();
    stream.write(Buffer.from("a"));
    for (const part of ["b", "c", "d"]) stream.write(Buffer.from(part));
    await tick();
    expect(ws.sent.map(String)).toEqual(["a"]);
    ws.complete();
    await until(() => ws.sent.length === 2, "the coalesced frame");
    expect(ws.sent.map(String)).toEqual(["a", "bcd"]);
    ws.complete();
    await tick();
    // Idle again: the next write goes out at once.
    stream.write(Buffer.from("e"));
    expect(ws.sent.map(String)).toEqual(["a", "bcd", "e"]);
  });

  it("sends a full frame at once, without holding it", async () => {
    const { ws, stream } = streamOn();
    stream.write(Buffer.alloc(MAX_FRAME, 1));
    expect(ws.sent).toHaveLength(1);
  });

  it("joins a backlog into frames of at most MAX_FRAME, every byte in order", async () => {
    const { ws, stream } = streamOn();
    const packets = Array.from({ length: 40 }, (_, i) => Buffer.alloc(32 * 1024 + i, i));
    const expected = Buffer.concat(packets);
    let i = 0;
    // Written as ssh2 writes: until write() asks to hold back, then again on 'drain'.
    const pump = () => {
      while (i < packets.length) if (!stream.write(packets[i++])) return;
    };
    stream.on("drain", pump);
    pump();
    while (Buffer.concat(ws.sent).length < expected.length) {
      await until(() => ws.inFlight > 0, "a frame in flight");
      ws.complete();
      await tick();
    }
    expect(Buffer.concat(ws.sent).equals(expected)).toBe(true);
    for (const f of ws.sent) expect(f.length).toBeLessThanOrEqual(MAX_FRAME);
    // Joined: about one frame per MAX_FRAME bytes, not one per packet.
    expect(ws.sent.length).toBeLessThanOrEqual(Math.ceil(expected.length / MAX_FRAME) * 2);
  });

  it("holds the writer back while a full frame is being written", async () => {
    const { ws, stream } = streamOn();
    let drained = false;
    stream.on("drain", () => (drained = true));
    expect(stream.write(Buffer.alloc(MAX_FRAME))).toBe(false);
    await tick();
    expect(ws.inFlight).toBe(1);
    expect(drained).toBe(false);
    ws.complete();
    await until(() => drained, "drain");
  });

  it("sends what is pending before closing on end()", async () => {
    const { ws, stream } = streamOn();
    let closed = false;
    ws.close = () => {
      closed = true;
    };
    stream.write(Buffer.from("last"));
    stream.end();
    await until(() => ws.sent.length === 1, "the pending bytes");
    expect(closed).toBe(false);
    ws.complete();
    await until(() => closed, "close");
    expect(ws.sent.map(String)).toEqual(["last"]);
  });

  it("pauses the socket while the reader is full and resumes it when read", async () => {
    const { ws, stream } = streamOn();
    ws.emit("message", Buffer.alloc(stream.readableHighWaterMark + 1));
    expect(ws.paused).toBe(true);
    stream.read();
    await tick();
    expect(ws.paused).toBe(false);
  });
});
