import { ApiError } from "@burstflare/sdk/errors";
import { z } from "zod";

/**
 * Body of `POST /snapshot/import-chain`: a 4-byte big-endian length, that many bytes of JSON
 * `{ steps: [{ sha256, bytes, deleted }] }` (the base full archive first, then each increment in
 * order), then the archives back to back, each exactly `bytes` long.
 */
const chainHeader = z.object({
  steps: z
    .array(
      z.object({
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        bytes: z.number().int().nonnegative(),
        deleted: z.array(z.string()).max(2_000_000),
      }),
    )
    .min(1)
    .max(64),
});
type ChainHeader = z.infer<typeof chainHeader>;

const MAX_HEADER_BYTES = 64 * 1024 * 1024;

/** Splits a byte stream into exact-length pieces, read in order. */
export class ChainReader {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private readonly it: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  private async fill(min: number): Promise<void> {
    while (this.bufferedBytes < min) {
      const { value, done } = await this.it.next();
      if (done) throw new ApiError("bad_request", "snapshot chain body ended early");
      this.buffered.push(value);
      this.bufferedBytes += value.length;
    }
  }

  private take(n: number): Buffer {
    const all = Buffer.concat(this.buffered);
    this.buffered = all.length > n ? [all.subarray(n)] : [];
    this.bufferedBytes = all.length - n;
    return all.subarray(0, n);
  }

  async header(): Promise<ChainHeader> {
    await this.fill(4);
    const length = this.take(4).readUInt32BE(0);
    if (length > MAX_HEADER_BYTES) throw new ApiError("payload_too_large", "snapshot chain header too large");
    await this.fill(length);
    const parsed = chainHeader.safeParse(JSON.parse(this.take(length).toString("utf8")));
    if (!parsed.success) throw new ApiError("bad_request", "invalid snapshot chain header");
    return parsed.data;
  }

  /** The next `n` bytes as a stream of chunks. */
  async *piece(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.bufferedBytes === 0) await this.fill(1);
      const chunk = this.take(Math.min(left, this.bufferedBytes));
      left -= chunk.length;
      yield chunk;
    }
  }

  /** True when nothing follows the last piece. */
  async atEnd(): Promise<boolean> {
    if (this.bufferedBytes > 0) return false;
    const { done, value } = await this.it.next();
    if (!done && value.length) return false;
    return true;
  }
}
