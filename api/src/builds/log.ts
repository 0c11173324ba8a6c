import { BUILD_LOG_MAX_BYTES } from "@burstflare/sdk/schemas/builds";
import type { SecretMask } from "../lib/secret-mask";

const FLUSH_EVERY_MS = 1000;
const enc = new TextEncoder();

/**
 * The build log lives in one R2 object that is rewritten as output arrives (at most once a
 * second), so `GET …/log` shows it live and the final write is the full log. It is capped;
 * past the cap the log says so instead of growing.
 */
export class BuildLog {
  private text = "";
  private bytes = 0;
  private truncated = false;
  private dirty = false;
  private lastFlush = 0;
  private pending: Promise<void> = Promise.resolve();

  private constructor(
    private readonly bucket: R2Bucket,
    private readonly key: string,
    private readonly mask: SecretMask | null,
  ) {}

  /**
   * Continues an existing log (an earlier step or attempt wrote to it). With a mask, what is written
   * has the secrets of the build's environment hidden (lib/secret-mask.ts): every member and viewer
   * reads the log.
   */
  static async open(bucket: R2Bucket, key: string, mask: SecretMask | null = null): Promise<BuildLog> {
    const log = new BuildLog(bucket, key, mask);
    const existing = await bucket.get(key);
    if (existing) {
      log.text = await existing.text();
      log.bytes = enc.encode(log.text).length;
      log.truncated = log.bytes >= BUILD_LOG_MAX_BYTES;
    }
    return log;
  }

  append(chunk: string): void {
    if (this.truncated || chunk === "") return;
    const size = enc.encode(chunk).length;
    if (this.bytes + size > BUILD_LOG_MAX_BYTES) {
      // What was kept may end inside a secret whose rest is now never written: hold that part back.
      if (this.mask) this.text = this.mask.applySettled(this.text);
      this.text += `\n[burstflare] log truncated at ${BUILD_LOG_MAX_BYTES} bytes\n`;
      this.truncated = true;
    } else {
      this.text += chunk;
      this.bytes += size;
    }
    this.dirty = true;
    if (Date.now() - this.lastFlush >= FLUSH_EVERY_MS) void this.write(false);
  }

  /** A line from the pipeline itself, marked so it stands apart from the build's output. */
  note(message: string): void {
    this.append(`${this.text === "" || this.text.endsWith("\n") ? "" : "\n"}[burstflare] ${message}\n`);
  }

  /** Writes everything appended so far (callers flush at the end of a step, when the output is whole). */
  flush(): Promise<void> {
    return this.write(true);
  }

  /** A live write mid-output holds back a tail that may be the start of a secret still arriving. */
  private write(whole: boolean): Promise<void> {
    this.pending = this.pending.then(async () => {
      if (!this.dirty) return;
      const text = this.mask ? (whole ? this.mask.apply(this.text) : this.mask.applySettled(this.text)) : this.text;
      this.dirty = !whole && this.mask !== null;
      this.lastFlush = Date.now();
      await this.bucket.put(this.key, text, { httpMetadata: { contentType: "text/plain; charset=utf-8" } });
    });
    return this.pending;
  }
}

/** Appends pipeline notes to a build's log in one write. */
export async function noteLog(bucket: R2Bucket, key: string, ...messages: string[]): Promise<void> {
  const log = await BuildLog.open(bucket, key);
  for (const m of messages) log.note(m);
  await log.flush();
}
