import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { ApiError } from "@burstflare/sdk/errors";

export interface ReceivedBody {
  file: string;
  sha256: string;
  bytes: number;
}

/** Streams a request body to a temp file in dir while hashing it; nothing is buffered in memory. */
export async function receiveToTempFile(req: IncomingMessage, dir: string, maxBytes: number): Promise<ReceivedBody> {
  await fs.mkdir(dir, { recursive: true });
  return writeHashed(req, path.join(dir, `upload-${Date.now()}-${randomBytes(4).toString("hex")}.tar.gz`), maxBytes);
}

/** Writes `source` to `file` while hashing it, refusing more than maxBytes; a failed write leaves no file. */
export async function writeHashed(source: AsyncIterable<Buffer>, file: string, maxBytes = Number.POSITIVE_INFINITY): Promise<ReceivedBody> {
  const hash = createHash("sha256");
  let bytes = 0;
  try {
    await pipeline(
      source,
      async function* tap(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          bytes += chunk.length;
          if (bytes > maxBytes) throw new ApiError("payload_too_large", `archive exceeds ${maxBytes} bytes`);
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(file),
    );
  } catch (err) {
    await fs.rm(file, { force: true });
    throw err;
  }
  return { file, sha256: hash.digest("hex"), bytes };
}

export function expectedSha256(url: URL, required: boolean): string | null {
  const value = url.searchParams.get("sha256");
  if (value === null) {
    if (required) throw new ApiError("validation_failed", "query parameter `sha256` (hex SHA-256 of the body) is required");
    return null;
  }
  if (!/^[0-9a-f]{64}$/i.test(value)) throw new ApiError("validation_failed", "`sha256` must be 64 hex characters");
  return value.toLowerCase();
}
