import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";

export interface TestEntry {
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "character-device" | "fifo";
  content?: string;
  linkname?: string;
  /** Defaults to 0755 for directories and 0644 for everything else. */
  mode?: number;
}

/** Builds a tar.gz in memory with exactly these entries, including ones no honest tool would write. */
export async function makeArchive(entries: TestEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => p.on("end", () => resolve()));
  for (const e of entries) {
    const type = e.type ?? "file";
    const header = { name: e.name, type, linkname: e.linkname, mode: e.mode ?? (type === "directory" ? 0o755 : 0o644) };
    await new Promise<void>((resolve, reject) => {
      const callback = (err?: Error | null) => (err ? reject(err) : resolve());
      if (type === "file") p.entry(header, e.content ?? "", callback);
      else p.entry(header, callback);
    });
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
