import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { pipeCoalesced } from "../../src/ssh/coalesce";

/** A socket stand-in: records each write (one frame) and completes it only when told. */
function slowSocket() {
  const frames: Buffer[] = [];
  const waiting: Array<() => void> = [];
  let ended = false;
  const out = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _enc, cb) {
      frames.push(Buffer.from(chunk));
      waiting.push(() => cb());
    },
    final(cb) {
      ended = true;
      cb();
    },
  });
  return {
    out,
    frames,
    complete: () => {
      for (const cb of waiting.splice(0)) cb();
    },
    get inFlight() {
      return waiting.length;
    },
    get ended() {
      return ended;
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

/** `input` piped into a slow socket in frames of at most `maxFrame` bytes. */
function coalesced(maxFrame: number, input = new PassThrough()) {
  const sock = slowSocket();
  pipeCoalesced(input, sock.out, maxFrame);
  return { input, sock };
}

describe("pipeCoalesced", () => {
  it("sends a chunk read while idle at once, and joins what is read during a write, in order", async () => {
    const { input, sock } = coalesced(1024);
    input.write("a");
    await tick();
    expect(sock.frames.map(String)).toEqual(["a"]);
    for (const part of ["b", "c", "d"]) input.write(part);
    await tick();
    expect(sock.frames.map(String)).toEqual(["a"]);
    sock.complete();
    await tick();
    expect(sock.frames.map(String)).toEqual(["a", "bcd"]);
  });

  it("stops reading while a full frame waits, and resumes when it is written", async () => {
    const { input, sock } = coalesced(64, new PassThrough({ highWaterMark: 16 }));
    input.write(Buffer.alloc(10, 1));
    await tick();
    input.write(Buffer.alloc(70, 2));
    await tick();
    expect(input.isPaused()).toBe(true);
    // Input backs up instead of growing the pending frame.
    let accepted = 0;
    while (input.write(Buffer.alloc(8, 3))) accepted++;
    expect(accepted).toBeLessThan(4);
    sock.complete();
    await tick();
    expect(sock.frames).toHaveLength(2);
    expect(sock.frames[1]!.length).toBe(70);
    expect(input.isPaused()).toBe(false);
  });

  it("ends the output once everything read is written", async () => {
    const { input, sock } = coalesced(1024);
    input.write("x");
    await tick();
    input.end("y");
    await tick();
    expect(sock.ended).toBe(false);
    sock.complete();
    await tick();
    sock.complete();
    await tick();
    expect(Buffer.concat(sock.frames).toString()).toBe("xy");
    expect(sock.ended).toBe(true);
  });
});
