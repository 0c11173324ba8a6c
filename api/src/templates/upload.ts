import { ApiError } from "@burstflare/sdk/errors";
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, inspectArchive } from "./archive-inspect";

interface ReceivedBundle {
  sha256: string;
  bytes: number;
  files: number;
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Streams a bundle upload to R2 at `key` while hashing it and inspecting its tar headers,
 * without ever holding the whole body. Each chunk is handed to the hasher and the inspector
 * before it goes on to R2, so the slowest consumer sets the pace (no unbounded tee buffer)
 * and a rejection stops the transfer at once. On any failure the R2 object is deleted.
 */
export async function receiveBundle(
  bucket: R2Bucket,
  key: string,
  request: Request,
  maxBytes: number,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ReceivedBundle> {
  const declared = request.headers.get("content-length");
  if (declared === null || !/^\d+$/.test(declared)) {
    throw new ApiError("bad_request", "content-length header required (send the bundle as a plain body, not chunked)");
  }
  const length = Number(declared);
  if (length > maxBytes) throw new ApiError("payload_too_large", `bundle is ${length} bytes; the limit is ${maxBytes}`);
  if (length === 0 || !request.body) throw new ApiError("bad_request", "empty bundle");

  const digest = new crypto.DigestStream("SHA-256");
  const hashWriter = digest.getWriter();
  const toInspector = new TransformStream<Uint8Array, Uint8Array>();
  const inspectWriter = toInspector.writable.getWriter();
  let seen = 0;

  const fanOut = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > length) throw new ApiError("bad_request", "body is longer than its content-length");
      await Promise.all([hashWriter.write(chunk), inspectWriter.write(chunk)]);
      controller.enqueue(chunk);
    },
    async flush() {
      await Promise.all([hashWriter.close(), inspectWriter.close()]);
    },
  });

  const inspection = inspectArchive(toInspector.readable, () => seen, limits);
  const upload = bucket
    .put(key, request.body.pipeThrough(fanOut).pipeThrough(new FixedLengthStream(length)), {
      httpMetadata: { contentType: "application/gzip" },
    })
    .catch(async (err: unknown) => {
      // A broken transfer must also end the hasher and the inspector, which wait for more bytes.
      await Promise.allSettled([inspectWriter.abort(err), hashWriter.abort(err)]);
      throw err;
    });
  const [inspected, uploaded, hashed] = await Promise.allSettled([inspection, upload, digest.digest]);

  if (inspected.status === "fulfilled" && uploaded.status === "fulfilled" && hashed.status === "fulfilled") {
    return { sha256: hex(hashed.value), bytes: length, files: inspected.value.files };
  }
  await bucket.delete(key);
  // The inspector's verdict names the problem; otherwise the transfer itself failed.
  if (inspected.status === "rejected" && inspected.reason instanceof ApiError) throw inspected.reason;
  if (uploaded.status === "rejected" && uploaded.reason instanceof ApiError) throw uploaded.reason;
  const reason = uploaded.status === "rejected" ? uploaded.reason : inspected.status === "rejected" ? inspected.reason : null;
  throw new ApiError("bad_request", `upload incomplete: ${reason instanceof Error ? reason.message : String(reason)}`);
}
