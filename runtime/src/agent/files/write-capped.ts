import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { ApiError } from "@burstflare/sdk/errors";

/**
 * Streams `source` into `file` and answers 413 (`tooLarge`) past `maxBytes`. A body cut short or
 * too large must not leave half a file for the next reader, so a failed write removes `file`.
 */
export async function writeCapped(
  source: AsyncIterable<Buffer>,
  file: string,
  opts: { maxBytes: number; tooLarge: string; mode?: number; onChunk?: (chunk: Buffer) => void },
): Promise<number> {
  let bytes = 0;
  try {
    await pipeline(
      source,
      async function* cap(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          bytes += chunk.length;
          if (bytes > opts.maxBytes) throw new ApiError("payload_too_large", opts.tooLarge);
          opts.onChunk?.(chunk);
          yield chunk;
        }
      },
      createWriteStream(file, { mode: opts.mode }),
    );
  } catch (err) {
    await fs.rm(file, { force: true });
    throw err;
  }
  return bytes;
}
