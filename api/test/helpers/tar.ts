/**
 * A tiny ustar writer for tests: it writes exactly the headers it is given (absolute paths,
 * `..`, outside links), which a careful tar library would refuse to produce.
 */
export interface TarEntry {
  name: string;
  type?: "file" | "dir" | "symlink" | "link" | "fifo";
  content?: string | Uint8Array;
  linkname?: string;
}

const TYPEFLAG = { file: "0", link: "1", symlink: "2", fifo: "6", dir: "5" } as const;
const enc = new TextEncoder();

function field(buf: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = enc.encode(value);
  if (bytes.length > length) throw new Error(`tar field too long: ${value}`);
  buf.set(bytes, offset);
}

const octal = (n: number, width: number) => `${n.toString(8).padStart(width - 1, "0")}\0`;

function header(entry: TarEntry, size: number): Uint8Array {
  const h = new Uint8Array(512);
  const type = entry.type ?? "file";
  field(h, 0, 100, entry.name);
  field(h, 100, 8, octal(type === "dir" ? 0o755 : 0o644, 8));
  field(h, 108, 8, octal(0, 8));
  field(h, 116, 8, octal(0, 8));
  field(h, 124, 12, octal(size, 12));
  field(h, 136, 12, octal(Math.floor(Date.now() / 1000), 12));
  field(h, 148, 8, "        ");
  field(h, 156, 1, TYPEFLAG[type]);
  field(h, 157, 100, entry.linkname ?? "");
  field(h, 257, 6, "ustar\0");
  field(h, 263, 2, "00");
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return h;
}

export function tar(entries: TarEntry[]): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const data = typeof entry.content === "string" ? enc.encode(entry.content) : (entry.content ?? new Uint8Array());
    parts.push(header(entry, data.length));
    if (data.length > 0) {
      const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
      padded.set(data);
      parts.push(padded);
    }
  }
  parts.push(new Uint8Array(1024));
  return concat(parts);
}

export function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export async function gzip(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function targz(entries: TarEntry[]): Promise<Uint8Array<ArrayBuffer>> {
  return gzip(tar(entries));
}

/** Names and contents of a .tar.gz (regular files only), for asserting on artifacts. */
export async function readTargz(data: Uint8Array<ArrayBuffer> | ArrayBuffer): Promise<Map<string, string>> {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("gzip"));
  const raw = new Uint8Array(await new Response(stream).arrayBuffer());
  const files = new Map<string, string>();
  const dec = new TextDecoder();
  const str = (b: Uint8Array) => dec.decode(b).replace(/\0.*$/s, "");
  let offset = 0;
  let longName: string | null = null;
  let paxPath: string | null = null;
  while (offset + 512 <= raw.length) {
    const h = raw.subarray(offset, offset + 512);
    if (h.every((b) => b === 0)) break;
    const prefix = str(h.subarray(345, 500));
    let name = prefix ? `${prefix}/${str(h.subarray(0, 100))}` : str(h.subarray(0, 100));
    const size = Number.parseInt(str(h.subarray(124, 136)).trim() || "0", 8);
    const type = String.fromCharCode(h[156] ?? 48);
    const body = raw.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "L") {
      longName = str(body);
      continue;
    }
    if (type === "x") {
      const m = /\d+ path=([^\n]*)\n/.exec(dec.decode(body));
      paxPath = m?.[1] ?? null;
      continue;
    }
    name = paxPath ?? longName ?? name;
    longName = null;
    paxPath = null;
    if (type === "0" || type === "\0") files.set(name.replace(/^\.\//, ""), dec.decode(body));
  }
  return files;
}
