/** Streams a known-length body into R2 while hashing it: no whole archive is held in Worker memory. */
interface VerifiedUpload {
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
  customMetadata?: Record<string, string>,
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
    customMetadata,
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

/** R2 multipart parts (all but the last must be ≥ 5 MiB): one is buffered in the Worker at a time. */
export const PART_BYTES = 8 * 1024 * 1024;

/**
 * Streams a body of unknown length into R2 as a multipart upload while hashing it: the archive is
 * uploaded as the agent builds it. One part uploads while the next fills. The object exists only
 * once `complete` succeeds; any failure (a cut stream, an R2 error) aborts the upload, so no
 * partial object is left and the caller's previous restore point stays what it was.
 */
export async function putStreamed(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  opts: { maxBytes: number; customMetadata?: Record<string, string> },
): Promise<VerifiedUpload> {
  const upload = await bucket.createMultipartUpload(key, {
    httpMetadata: { contentType: "application/gzip" },
    customMetadata: opts.customMetadata,
  });
  const digest = new crypto.DigestStream("SHA-256");
  const digestWriter = digest.getWriter();
  const digested = digest.digest.then(hex);
  digested.catch(() => {});
  const parts: R2UploadedPart[] = [];
  // One part uploads while the next fills; awaiting it before the next send keeps parts in order.
  let pending: Promise<R2UploadedPart> | null = null;
  let partNumber = 0;
  const send = async (bytes: Uint8Array) => {
    if (pending) parts.push(await pending);
    partNumber++;
    pending = upload.uploadPart(partNumber, bytes);
    pending.catch(() => {});
  };
  let buffer = new Uint8Array(PART_BYTES);
  let filled = 0;
  let seen = 0;
  try {
    const reader = body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value.byteLength;
      if (seen > opts.maxBytes) throw new Error(`archive exceeds ${opts.maxBytes} bytes`);
      await digestWriter.write(value);
      let offset = 0;
      while (offset < value.byteLength) {
        const n = Math.min(PART_BYTES - filled, value.byteLength - offset);
        buffer.set(value.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === PART_BYTES) {
          await send(buffer);
          buffer = new Uint8Array(PART_BYTES);
          filled = 0;
        }
      }
    }
    if (seen === 0) throw new Error("the archive stream was empty");
    if (filled > 0) await send(buffer.slice(0, filled));
    if (pending) parts.push(await pending);
    pending = null;
    await digestWriter.close();
    const sha256 = await digested;
    await upload.complete(parts);
    return { bytes: seen, sha256 };
  } catch (err) {
    await (pending as Promise<R2UploadedPart> | null)?.catch(() => {});
    await digestWriter.abort().catch(() => {});
    await upload.abort().catch(() => {});
    await body.cancel().catch(() => {});
    throw err;
  }
}
