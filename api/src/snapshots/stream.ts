/** Streams a known-length body into R2 while hashing it: no whole archive is held in Worker memory. */
export interface VerifiedUpload {
  bytes: number;
  sha256: string;
}

export function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * R2 checks `expectedSha256` itself and refuses the object on mismatch; the Worker also hashes
 * the bytes it forwarded, so a short or altered stream can never be reported as verified.
 * Rejects when the source errors (e.g. the agent dies mid-stream) or the length is wrong.
 */
export async function putVerified(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  length: number,
  expectedSha256: string,
): Promise<VerifiedUpload> {
  const digest = new crypto.DigestStream("SHA-256");
  const digestWriter = digest.getWriter();
  // Observed here so an aborted upload does not leave an unhandled rejection behind.
  const digested = digest.digest.then(hex);
  digested.catch(() => {});
  let seen = 0;
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      seen += chunk.byteLength;
      await digestWriter.write(chunk);
      controller.enqueue(chunk);
    },
    async flush() {
      await digestWriter.close();
    },
    async cancel() {
      await digestWriter.abort().catch(() => {});
    },
  });
  // FixedLengthStream gives R2 the known length it requires and errors on a short or long body.
  const fixed = new FixedLengthStream(length);
  const pump = body.pipeThrough(tap).pipeTo(fixed.writable);
  const put = bucket.put(key, fixed.readable, {
    sha256: expectedSha256,
    httpMetadata: { contentType: "application/gzip" },
  });
  // Both must settle before the caller cleans up, so no write lands after a delete.
  const [pumped, stored] = await Promise.allSettled([pump, put]);
  if (pumped.status === "rejected") throw pumped.reason;
  if (stored.status === "rejected") throw stored.reason;
  if (!stored.value) throw new Error("R2 did not store the object");
  const sha256 = await digested;
  if (seen !== length) throw new Error(`stream ended after ${seen} of ${length} bytes`);
  if (sha256 !== expectedSha256) throw new Error(`sha256 mismatch: got ${sha256}, expected ${expectedSha256}`);
  return { bytes: seen, sha256 };
}
