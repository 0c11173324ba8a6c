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

/**
 * One raw 512-byte tar header, for layouts no tar library writes on request (a file entry named
 * like a folder, a pre-POSIX V7 header without the "ustar" magic). Names and links are ASCII.
 */
export function rawHeader(h: { name: string; type: string; size?: number; linkname?: string; mode?: number; v7?: boolean }): Buffer {
  const b = Buffer.alloc(512);
  const octal = (n: number, width: number) => `${n.toString(8).padStart(width - 1, "0")}\0`;
  b.write(h.name, 0, 100, "latin1");
  b.write(octal(h.mode ?? 0o644, 8), 100, 8, "latin1");
  b.write(octal(0, 8), 108, 8, "latin1");
  b.write(octal(0, 8), 116, 8, "latin1");
  b.write(octal(h.size ?? 0, 12), 124, 12, "latin1");
  b.write(octal(0, 12), 136, 12, "latin1");
  b.write(h.type, 156, 1, "latin1");
  b.write(h.linkname ?? "", 157, 100, "latin1");
  if (!h.v7) b.write("ustar\x0000", 257, 8, "latin1");
  b.fill(0x20, 148, 156);
  const sum = b.reduce((a, x) => a + x, 0);
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "latin1");
  return b;
}

/** An entry's data padded to whole blocks. */
export function rawData(content: Buffer | string): Buffer {
  const d = Buffer.from(content);
  return Buffer.concat([d, Buffer.alloc((512 - (d.length % 512)) % 512)]);
}

/** Raw blocks followed by the end-of-archive marker, gzipped. */
export const rawArchive = (...blocks: Buffer[]): Buffer => gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)]));

/**
 * Symlinks that read as inside but leave once the kernel follows them (`s/..` is the parent when s
 * is "."), in either order: refused by every unpack path (sdk/archive-links.ts).
 */
export const LINKS_LEAVING_TOGETHER: [string, TestEntry[]][] = [
  [
    "a symlink that leaves through an earlier one (s -> ., a -> s/..)",
    [
      { name: "s", type: "symlink", linkname: "." },
      { name: "a", type: "symlink", linkname: "s/.." },
    ],
  ],
  [
    "a symlink that a later one takes out (a -> s/.., s -> .)",
    [
      { name: "a", type: "symlink", linkname: "s/.." },
      { name: "s", type: "symlink", linkname: "." },
    ],
  ],
];
