import { ApiError } from "@burstflare/sdk/errors";
import type { ArchiveLimits, ArchiveSummary } from "./archive-safety";
import { checkLink, checkLinksAtEnd, safeEntryPath } from "./archive-safety";

const BLOCK = 512;
/** A pax or GNU long-name record this big is not a path: refused rather than buffered. */
const MAX_META_BYTES = 1024 * 1024;

function unsafe(message: string): never {
  throw new ApiError("unsafe_archive", message);
}

/** NUL-terminated field (or the whole field when it has no NUL). */
function field(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString("utf8");
}

/** Octal, or GNU base-256 when the first byte's high bit is set (sizes over 8 GiB). */
function numeric(block: Buffer, offset: number, length: number): number {
  if (block[offset]! & 0x80) {
    if (block[offset] !== 0x80) unsafe("negative or oversized numeric field in tar header");
    let n = 0;
    for (let i = offset + 1; i < offset + length; i++) n = n * 256 + block[i]!;
    if (!Number.isSafeInteger(n)) unsafe("oversized numeric field in tar header");
    return n;
  }
  const text = field(block, offset, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) unsafe(`bad numeric field in tar header: ${JSON.stringify(text)}`);
  return Number.parseInt(text, 8);
}

function checksumOK(block: Buffer): boolean {
  const stored = numeric(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

function writeChecksum(block: Buffer): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i]!;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "latin1");
}

/** pax records: "<len> <key>=<value>\n" … */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break;
    const space = data.indexOf(0x20, at);
    if (space < 0) unsafe("malformed pax header");
    const len = Number(data.subarray(at, space).toString("latin1"));
    if (!Number.isInteger(len) || len <= space - at || at + len > data.length) unsafe("malformed pax header");
    const record = data.subarray(space + 1, at + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq < 0) unsafe("malformed pax record");
    out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

const TYPES: Record<string, string> = {
  "0": "File",
  "\0": "File",
  "7": "ContiguousFile",
  "1": "Link",
  "2": "SymbolicLink",
  "5": "Directory",
};

/**
 * Reads an uncompressed tar stream block by block and decides, before a header is passed on,
 * whether its entry may reach the extractor (GNU tar in native-unpack.ts): every header is
 * checked (path confined, allowed type, sizes, links, no path through a symlink of this restore),
 * entries outside `keep` are dropped whole, setuid/setgid bits are cleared. Data blocks are passed
 * through untouched. Because this parser and the extractor must agree on where each header is,
 * anything whose layout could be read two ways (sparse files, data on links or folders, a file
 * entry named like a folder, two long names for one entry) is refused instead.
 */
export class TarGate {
  private pending = Buffer.alloc(0);
  /** Bytes of the current entry's data (padded) still to come, and whether they are passed on. */
  private dataLeft = 0;
  private forwardData = false;
  /** Collecting the data of a pax/GNU long-name record. */
  private meta: { type: string; header: Buffer; need: number; chunks: Buffer[]; got: number } | null = null;
  /** Records that precede the next real header, held back until that header is judged. */
  private held: Buffer[] = [];
  private paxPath: string | null = null;
  private paxLink: string | null = null;
  private paxSize: number | null = null;
  private longName: string | null = null;
  private longLink: string | null = null;
  private started = false;
  /** This archive's symlinks (name → target), for the link rules of archive-safety.ts. */
  private readonly links = new Map<string, string>();
  ended = false;
  entries = 0;
  files = 0;
  bytes = 0;

  constructor(
    private readonly limits: ArchiveLimits,
    private readonly keep: (entryPath: string) => boolean,
    /** Symlinks this restore has written so far (shared across the links of a chain). */
    private readonly symlinks: Set<string>,
  ) {}

  /** Feeds decompressed bytes; answers what may be written to the extractor now. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (buf.length && !this.ended) {
      if (this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, buf.length);
        if (this.forwardData) out.push(buf.subarray(0, n));
        this.dataLeft -= n;
        buf = buf.subarray(n);
        continue;
      }
      if (this.meta) {
        const n = Math.min(this.meta.need - this.meta.got, buf.length);
        this.meta.chunks.push(buf.subarray(0, n));
        this.meta.got += n;
        buf = buf.subarray(n);
        if (this.meta.got === this.meta.need) this.finishMeta();
        continue;
      }
      if (buf.length < BLOCK) break;
      // A copy: the header may be rewritten, and it is held while the chunk is reused.
      const header = Buffer.from(buf.subarray(0, BLOCK));
      buf = buf.subarray(BLOCK);
      const forwarded = this.header(header);
      if (forwarded) out.push(...forwarded);
    }
    if (buf.length && !this.ended) this.pending = Buffer.from(buf);
    return out;
  }

  /** The stream ended: it must have ended at the end-of-archive marker. */
  finish(): ArchiveSummary {
    if (!this.ended) {
      // An empty stream is an empty archive only when nothing at all came.
      if (!this.started) throw new ApiError("bad_request", "not a valid tar.gz archive: empty");
      throw new ApiError("bad_request", "not a valid tar.gz archive: it ends inside an entry");
    }
    checkLinksAtEnd(this.limits, this.links);
    return { files: this.files, bytes: this.bytes };
  }

  /** Refuses a path whose parent folders include a symlink this restore unpacked. */
  private notThroughSymlink(name: string, message: string): void {
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) if (this.symlinks.has(parts.slice(0, i).join("/"))) unsafe(message);
  }

  private header(block: Buffer): Buffer[] | null {
    this.started = true;
    if (block.every((b) => b === 0)) {
      if (this.held.length) unsafe("archive ends after an extended header");
      this.ended = true;
      // Two zero blocks: the end marker GNU tar expects, whatever padding followed.
      return [Buffer.alloc(2 * BLOCK)];
    }
    if (!checksumOK(block)) throw new ApiError("bad_request", "not a valid tar.gz archive: bad header checksum");
    const flag = String.fromCharCode(block[156]!);
    const size = numeric(block, 124, 12);
    if (flag === "x" || flag === "L" || flag === "K" || flag === "g") {
      if (size > MAX_META_BYTES) unsafe("extended tar header too large");
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      this.meta = { type: flag, header: block, need: padded, chunks: [], got: 0 };
      if (padded === 0) this.finishMeta();
      return null;
    }
    return this.entry(block, flag, size);
  }

  private finishMeta(): void {
    const meta = this.meta!;
    this.meta = null;
    const data = Buffer.concat(meta.chunks);
    const size = numeric(meta.header, 124, 12);
    const body = data.subarray(0, size);
    if (meta.type === "g") return; // global pax records are dropped: none of ours writes them
    if (meta.type === "x") {
      if (this.paxPath !== null || this.paxLink !== null || this.paxSize !== null) unsafe("two pax headers for one entry");
      for (const [key, value] of paxRecords(body)) {
        if (key.startsWith("GNU.sparse")) unsafe("sparse files are not supported");
        if (key === "path") this.paxPath = value;
        else if (key === "linkpath") this.paxLink = value;
        else if (key === "size") {
          if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) unsafe("bad pax size");
          this.paxSize = Number(value);
        }
      }
    } else {
      const text = field(body, 0, body.length);
      if (meta.type === "L") {
        if (this.longName !== null) unsafe("two long names for one entry");
        this.longName = text;
      } else {
        if (this.longLink !== null) unsafe("two long link names for one entry");
        this.longLink = text;
      }
    }
    this.held.push(meta.header, data);
  }

  private entry(block: Buffer, flag: string, headerSize: number): Buffer[] | null {
    const type = TYPES[flag];
    if (!type) unsafe(`unsupported entry type ${JSON.stringify(flag)}`);
    if ((this.paxPath !== null && this.longName !== null) || (this.paxLink !== null && this.longLink !== null))
      unsafe("an entry named both by pax and by a GNU long name");
    const magic = block.subarray(257, 263).toString("latin1");
    const prefix = magic === "ustar\0" ? field(block, 345, 155) : "";
    const rawName = this.paxPath ?? this.longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    const linkpath = this.paxLink ?? this.longLink ?? field(block, 157, 100);
    const size = this.paxSize ?? headerSize;
    const held = this.held;
    this.held = [];
    this.paxPath = this.paxLink = this.paxSize = this.longName = this.longLink = null;

    this.entries += 1;
    const limits = this.limits;
    if (this.entries > limits.maxEntries) unsafe(`archive has more than ${limits.maxEntries} entries`);
    const name = safeEntryPath(rawName);
    const isFile = type === "File" || type === "ContiguousFile";
    // GNU tar follows the old BSD convention: a file-typed entry whose name ends in "/" is a folder,
    // so it reads that entry's data as further headers, which this gate would never have judged.
    if (isFile && rawName.endsWith("/")) unsafe(`file entry ${JSON.stringify(rawName)} has a folder's name (ends in "/")`);
    // Both parsers must skip the same data: only files carry any.
    if (!isFile && size !== 0) unsafe(`${type} ${name} carries data`);
    if (name === "" && type !== "Directory") unsafe(`the archive root is a ${type}`);
    this.notThroughSymlink(name, `entry ${name} would be written through a symlink`);
    checkLink(name, type, linkpath, limits, this.links);
    if (type === "Link") {
      // Also through a symlink an earlier archive of the chain left (this.symlinks).
      const target = safeEntryPath(linkpath);
      this.notThroughSymlink(target, `hard link ${name} reaches its target through a symlink`);
      if (this.symlinks.has(target)) unsafe(`hard link ${name} points at a symlink`);
    }
    if (isFile) {
      this.files += 1;
      this.bytes += size;
      if (this.bytes > limits.maxTotalBytes) unsafe(`archive unpacks to more than ${limits.maxTotalBytes} bytes`);
    }
    this.dataLeft = Math.ceil(size / BLOCK) * BLOCK;
    const kept = name === "" || this.keep(name);
    this.forwardData = kept;
    if (!kept) return null;
    if (type === "SymbolicLink") this.symlinks.add(name);
    else this.symlinks.delete(name);
    // setuid/setgid never survive a restore.
    const mode = numeric(block, 100, 8);
    if (mode & 0o6000) {
      block.write(`${(mode & 0o1777).toString(8).padStart(7, "0")}\0`, 100, 8, "latin1");
      writeChecksum(block);
    }
    return [...held, block];
  }
}
