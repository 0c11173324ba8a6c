import { hex } from "../snapshots/stream";

/** R2 multipart parts must be at least 5 MiB (except the last); this keeps memory bounded. */
const PART_BYTES = 8 * 1024 * 1024;
const encoder = new TextEncoder();

/**
 * Writes a large text document to R2 in parts, hashing as it goes, so the Worker never holds the
 * whole document. `abort()` removes everything written so far.
 */
export class R2TextWriter {
  private upload: R2MultipartUpload | null = null;
  private readonly parts: R2UploadedPart[] = [];
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private total = 0;
  private readonly digest = new crypto.DigestStream("SHA-256");
  private readonly digestWriter = this.digest.getWriter();

  constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly options: R2MultipartOptions,
  ) {
    this.digest.digest.catch(() => {});
  }

  async write(text: string): Promise<void> {
    if (text.length === 0) return;
    const bytes = encoder.encode(text);
    await this.digestWriter.write(bytes);
    this.chunks.push(bytes);
    this.buffered += bytes.byteLength;
    this.total += bytes.byteLength;
    if (this.buffered >= PART_BYTES) await this.flushPart();
  }

  private takeBuffer(): Uint8Array {
    const out = new Uint8Array(this.buffered);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    this.chunks = [];
    this.buffered = 0;
    return out;
  }

  private async flushPart(): Promise<void> {
    this.upload ??= await this.bucket.createMultipartUpload(this.key, this.options);
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, this.takeBuffer()));
  }

  /** Completes the object; small documents are written with a single put. */
  async close(): Promise<{ bytes: number; sha256: string }> {
    await this.digestWriter.close();
    const sha256 = hex(await this.digest.digest);
    if (!this.upload) {
      await this.bucket.put(this.key, this.takeBuffer(), { ...this.options, sha256 });
    } else {
      if (this.buffered > 0) await this.flushPart();
      await this.upload.complete(this.parts);
    }
    return { bytes: this.total, sha256 };
  }

  async abort(): Promise<void> {
    await this.digestWriter.abort().catch(() => {});
    await this.upload?.abort().catch(() => {});
    await this.bucket.delete(this.key).catch(() => {});
  }
}
