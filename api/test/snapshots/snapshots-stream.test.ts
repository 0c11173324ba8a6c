import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { PART_BYTES, putStreamed, putVerified } from "../../src/snapshots/stream";
import { concat } from "../helpers/tar";

/** A source that yields `chunks` and then either ends or errors, like an agent dying mid-export. */
function source(chunks: Uint8Array[], failAfter?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (failAfter !== undefined && i === failAfter) {
        controller.error(new Error("agent connection reset"));
        return;
      }
      const chunk = chunks[i++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

function randomChunks(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, () => crypto.getRandomValues(new Uint8Array(size)));
}

describe("putVerified", () => {
  it("stores the whole stream and reports its length and hash", async () => {
    const chunks = randomChunks(40, 64 * 1024);
    const whole = concat(chunks);
    const sha = await sha256Hex(whole);
    const result = await putVerified(env.BUCKET, "t/ok", source(chunks), whole.byteLength, sha);
    expect(result).toEqual({ bytes: whole.byteLength, sha256: sha });
    const stored = await env.BUCKET.get("t/ok");
    expect(stored).not.toBeNull();
    expect(await sha256Hex(await stored!.arrayBuffer())).toBe(sha);
  });

  it("rejects and stores nothing when the source errors mid-stream", async () => {
    const chunks = randomChunks(10, 64 * 1024);
    const sha = await sha256Hex(concat(chunks));
    await expect(putVerified(env.BUCKET, "t/cut", source(chunks, 5), 10 * 64 * 1024, sha)).rejects.toThrow();
    expect(await env.BUCKET.head("t/cut")).toBeNull();
  });

  it("rejects a body whose hash differs from the announced one", async () => {
    const chunks = randomChunks(3, 1024);
    const wrong = "0".repeat(64);
    await expect(putVerified(env.BUCKET, "t/bad-hash", source(chunks), 3 * 1024, wrong)).rejects.toThrow();
    expect(await env.BUCKET.head("t/bad-hash")).toBeNull();
  });

  it("rejects a body shorter than its announced length", async () => {
    const chunks = randomChunks(2, 1024);
    const sha = await sha256Hex(concat(chunks));
    await expect(putVerified(env.BUCKET, "t/short", source(chunks), 4096, sha)).rejects.toThrow();
    expect(await env.BUCKET.head("t/short")).toBeNull();
  });
});

describe("putStreamed (R2 multipart while the archive is built)", () => {
  it("stores a body of unknown length across several parts and reports its length, hash and metadata", async () => {
    // Odd-sized chunks across two part boundaries: 2 full parts and a short last one.
    const chunks = randomChunks(Math.ceil((2 * PART_BYTES + 12345) / 65_521), 65_521);
    const whole = concat(chunks);
    const sha = await sha256Hex(whole);
    const result = await putStreamed(env.BUCKET, "t/streamed", source(chunks), {
      maxBytes: 1 << 30,
      customMetadata: { encoding: "gzip;level=1" },
    });
    expect(result).toEqual({ bytes: whole.byteLength, sha256: sha });
    const stored = await env.BUCKET.get("t/streamed");
    expect(stored?.size).toBe(whole.byteLength);
    expect(stored?.customMetadata).toEqual({ encoding: "gzip;level=1" });
    expect(await sha256Hex(await stored!.arrayBuffer())).toBe(sha);
  });

  it("stores nothing when the source is cut mid-stream, after parts were uploaded", async () => {
    const chunks = randomChunks(200, 65_536);
    await expect(putStreamed(env.BUCKET, "t/streamed-cut", source(chunks, 150), { maxBytes: 1 << 30 })).rejects.toThrow(/reset/);
    expect(await env.BUCKET.head("t/streamed-cut")).toBeNull();
  });

  it("refuses an empty or oversized body", async () => {
    await expect(putStreamed(env.BUCKET, "t/streamed-empty", source([]), { maxBytes: 10 })).rejects.toThrow(/empty/);
    await expect(putStreamed(env.BUCKET, "t/streamed-big", source(randomChunks(3, 1024)), { maxBytes: 2048 })).rejects.toThrow(/exceeds/);
    expect(await env.BUCKET.head("t/streamed-empty")).toBeNull();
    expect(await env.BUCKET.head("t/streamed-big")).toBeNull();
  });
});
