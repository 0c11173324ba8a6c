import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { packFrames } from "../../../src/agent/net/frames";
import { mask, unmask } from "../../../src/agent/net/ws-mask";

const joined = (list: Buffer[]) => Buffer.concat(list);

describe("packFrames", () => {
  it("joins small chunks into one frame, in order", () => {
    const chunks = [Buffer.from("ab"), Buffer.from("cd"), Buffer.from("ef")];
    const frames = packFrames(chunks, 1024);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.toString()).toBe("abcdef");
  });

  it("never makes a frame larger than max, and keeps every byte in order", () => {
    const chunks = Array.from({ length: 40 }, (_, i) => randomBytes(1 + ((i * 7919) % 5000)));
    const frames = packFrames(chunks, 4096);
    for (const f of frames) expect(f.length).toBeLessThanOrEqual(4096);
    expect(joined(frames).equals(joined(chunks))).toBe(true);
    // Joined, not one frame per chunk.
    expect(frames.length).toBeLessThan(chunks.length);
  });

  it("splits a chunk larger than max into views of itself", () => {
    const big = randomBytes(10_000);
    const frames = packFrames([big], 4096);
    expect(frames.map((f) => f.length)).toEqual([4096, 4096, 1808]);
    expect(frames[0]!.buffer).toBe(big.buffer);
    expect(joined(frames).equals(big)).toBe(true);
  });

  it("starts a new frame for a chunk that fits one, rather than splitting it", () => {
    const frames = packFrames([Buffer.alloc(3000, 1), Buffer.alloc(3000, 2)], 4096);
    expect(frames.map((f) => f.length)).toEqual([3000, 3000]);
    expect(frames[1]!.every((b) => b === 2)).toBe(true);
  });

  it("gives nothing for nothing", () => {
    expect(packFrames([], 4096)).toEqual([]);
    expect(packFrames([Buffer.alloc(0)], 4096)).toEqual([]);
  });
});

describe("ws-mask (the agent's bufferutil)", () => {
  const byteWise = (data: Buffer, m: Buffer) => Buffer.from(data.map((b, i) => b ^ m[i & 3]!));

  it("unmasks like the byte-by-byte definition at every alignment and length", () => {
    const m = Buffer.from([0x12, 0x34, 0x56, 0x78]);
    const backing = randomBytes(300);
    for (let offset = 0; offset < 4; offset++) {
      for (const length of [0, 1, 3, 4, 5, 31, 32, 33, 100, 255]) {
        const view = Buffer.from(backing).subarray(offset, offset + length);
        const expected = byteWise(Buffer.from(view), m);
        unmask(view, m);
        expect(view.equals(expected), `offset ${offset} length ${length}`).toBe(true);
      }
    }
  });

  it("masks into an output buffer at an offset, leaving the source and the rest alone", () => {
    const m = Buffer.from([1, 2, 3, 4]);
    const source = randomBytes(77);
    const copy = Buffer.from(source);
    const output = Buffer.alloc(90, 0xee);
    mask(source, m, output, 5, 70);
    expect(source.equals(copy)).toBe(true);
    expect(output.subarray(5, 75).equals(byteWise(source.subarray(0, 70), m))).toBe(true);
    expect(output.subarray(0, 5).every((b) => b === 0xee)).toBe(true);
    expect(output.subarray(75).every((b) => b === 0xee)).toBe(true);
  });
});
