import { describe, expect, it } from "vitest";
import { RingBuffer } from "../../src/agent/terminal/ring-buffer";

describe("RingBuffer", () => {
  it("keeps exactly the most recent bytes", () => {
    const ring = new RingBuffer(10);
    ring.push(Buffer.from("abc"));
    ring.push(Buffer.from("defgh"));
    expect(ring.contents().toString()).toBe("abcdefgh");
    ring.push(Buffer.from("ijklm"));
    expect(ring.contents().toString()).toBe("defghijklm");
    expect(ring.length).toBe(10);
    ring.push(Buffer.from("0123456789XYZ"));
    expect(ring.contents().toString()).toBe("3456789XYZ");
  });

  it("is empty at first", () => {
    expect(new RingBuffer(4).contents().length).toBe(0);
  });
});
