import { createHash } from "node:crypto";
import { createWriteStream, renameSync, rmSync } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import type { Streams } from "./output";
import { ProgressBar } from "./progress";

/**
 * Streams a response body to `file` with a progress bar, via a temporary name so an interrupted
 * download never leaves a file that looks complete. Resolves to the bytes written and their SHA-256.
 */
export async function downloadTo(
  res: Response,
  file: string,
  stderr: Streams["stderr"],
  json: boolean,
): Promise<{ bytes: number; sha256: string }> {
  if (!res.body) throw new Error("the server sent no content");
  const total = Number(res.headers.get("content-length") ?? 0);
  const bar = new ProgressBar(stderr, "downloading", total, { json });
  const hash = createHash("sha256");
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      hash.update(chunk);
      bar.tick(chunk.length);
      done(null, chunk);
    },
  });
  const partial = `${file}.partial`;
  try {
    await pipeline(Readable.fromWeb(res.body as NodeWebReadableStream<Uint8Array>), meter, createWriteStream(partial));
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  bar.finish();
  return { bytes, sha256: hash.digest("hex") };
}
