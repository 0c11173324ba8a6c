import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../src/lib/crypto";
import { putVerified } from "../src/snapshots/stream";

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

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
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
