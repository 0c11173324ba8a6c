import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import path from "node:path";
import { ApiError } from "@burstflare/sdk/errors";
import { writeCapped } from "../files/write-capped";

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
  const bytes = await writeCapped(source, file, {
    maxBytes,
    tooLarge: `archive exceeds ${maxBytes} bytes`,
    onChunk: (chunk) => hash.update(chunk),
  });
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
