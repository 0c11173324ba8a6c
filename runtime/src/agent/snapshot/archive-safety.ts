import { createReadStream } from "node:fs";
import { createGunzip, gunzipSync } from "node:zlib";
import { escapingSymlink, symlinkStaysInside } from "@burstflare/sdk/archive-links";
import { ApiError } from "@burstflare/sdk/errors";
import * as tar from "tar";

export interface ArchiveLimits {
  maxEntries: number;
  maxTotalBytes: number;
  /**
   * Symlinks are data in a snapshot (a workspace may hold links to /usr/...), and extraction
   * never writes through a link; a template bundle, though, must stay self-contained.
   */
  allowExternalSymlinks: boolean;
}

export interface ArchiveSummary {
  files: number;
  bytes: number;
  /** Which extractor wrote the files (a streamed snapshot import says so in its answer). */
  unpacker?: "gnu-tar" | "node-tar";
}

/** True for a gzip of nothing but zero blocks: a valid empty tar that node-tar's strict parser rejects. */
async function isEmptyTar(file: string): Promise<boolean> {
  try {
    for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
      if (chunk.some((b) => b !== 0)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

const ALLOWED_TYPES = new Set(["File", "OldFile", "ContiguousFile", "Directory", "SymbolicLink", "Link"]);

function unsafe(message: string): never {
  throw new ApiError("unsafe_archive", message);
}

/** Normalised entry path (no leading "./", no trailing "/"); refuses absolute and `..` paths. */
export function safeEntryPath(raw: string): string {
  if (raw.includes("\0")) unsafe("entry name contains a NUL byte");
  if (raw.startsWith("/") || /^[A-Za-z]:[\\/]/.test(raw)) unsafe(`absolute path in archive: ${raw}`);
  const parts = raw.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) unsafe(`'..' in archive path: ${raw}`);
  return parts.join("/");
}

/**
 * The link rules shared by node-tar's checks (EntryChecker) and the GNU tar gate (tar-gate.ts), for
 * entry `name` of `type`. A hard link names a path from the archive root, never one through a
 * symlink of the archive (the kernel would follow it, and a later file of the same name would be
 * written into the link's target). A symlink, unless the limits allow external ones, points inside,
 * followed through the archive's own links as the kernel will (sdk/archive-links.ts). `links`
 * collects the archive's symlinks (name → target) for that and for checkLinksAtEnd.
 */
export function checkLink(name: string, type: string, linkpath: string, limits: ArchiveLimits, links: Map<string, string>): void {
  if (type === "SymbolicLink") {
    if (!linkpath) unsafe(`symlink ${name} has no target`);
    if (!limits.allowExternalSymlinks && !symlinkStaysInside(name, linkpath, links))
      unsafe(`link ${name} points outside the archive: ${linkpath}`);
    links.set(name, linkpath);
    return;
  }
  links.delete(name);
  if (type !== "Link") return;
  if (!linkpath || linkpath.startsWith("/")) unsafe(`link ${name} points to an absolute path`);
  const target = safeEntryPath(linkpath);
  const parts = target.split("/");
  for (let i = 1; i <= parts.length; i++)
    if (links.has(parts.slice(0, i).join("/"))) unsafe(`hard link ${name} reaches its target through a symlink: ${linkpath}`);
}

/** Once the whole archive is known: no symlink leaves it through links that came after it. */
export function checkLinksAtEnd(limits: ArchiveLimits, links: ReadonlyMap<string, string>): void {
  if (limits.allowExternalSymlinks) return;
  const escaping = escapingSymlink(links);
  if (escaping !== null) unsafe(`symlink ${escaping} points outside the archive through another link`);
}

/** Checks entries one by one as a parser meets them; the first violation is kept. */
class EntryChecker {
  entries = 0;
  files = 0;
  bytes = 0;
  failure: unknown = null;
  private readonly links = new Map<string, string>();

  constructor(private readonly limits: ArchiveLimits) {}

  /** True when the entry is acceptable; false (and failure set) otherwise. */
  accept(entry: tar.ReadEntry): boolean {
    if (this.failure) return false;
    try {
      this.check(entry);
      return true;
    } catch (err) {
      this.failure = err;
      return false;
    }
  }

  private check(entry: tar.ReadEntry): void {
    const limits = this.limits;
    this.entries += 1;
    if (this.entries > limits.maxEntries) unsafe(`archive has more than ${limits.maxEntries} entries`);
    if (!ALLOWED_TYPES.has(entry.type)) unsafe(`unsupported entry type ${entry.type}: ${entry.path}`);
    const name = safeEntryPath(entry.path);
    checkLink(name, entry.type, entry.linkpath ?? "", limits, this.links);
    if (entry.type !== "SymbolicLink" && entry.type !== "Link" && entry.type !== "Directory") {
      this.files += 1;
      this.bytes += entry.size;
      if (this.bytes > limits.maxTotalBytes) unsafe(`archive unpacks to more than ${limits.maxTotalBytes} bytes`);
    }
  }

  /** Turns a parser error or a recorded violation into the ApiError to answer with. */
  async settle(file: string, err: unknown): Promise<ArchiveSummary> {
    if (this.failure) throw this.failure;
    if (err) {
      if (this.entries === 0 && (await isEmptyTar(file))) return { files: 0, bytes: 0 };
      throw new ApiError("bad_request", `not a valid tar.gz archive: ${(err as Error).message}`);
    }
    return this.summary();
  }

  /** The totals, once the end-of-archive link check passed. */
  summary(): ArchiveSummary {
    checkLinksAtEnd(this.limits, this.links);
    return { files: this.files, bytes: this.bytes };
  }
}

/**
 * Reads the whole archive without writing anything and refuses it when any entry could
 * land outside the extraction root or the archive is too big. Only then may it be extracted.
 */
export async function inspectArchive(file: string, limits: ArchiveLimits): Promise<ArchiveSummary> {
  const checker = new EntryChecker(limits);
  let error: unknown = null;
  await tar.t({ file, strict: true, onReadEntry: (entry) => void checker.accept(entry) }).catch((err) => {
    error = err;
  });
  return checker.settle(file, error);
}

const EXTRACT_OPTIONS = { strict: true, preserveOwner: false, chmod: true, processUmask: 0 } as const;

/** Extracts an archive already passed by inspectArchive; modes and mtimes are kept, ownership is not. */
export async function extractArchive(file: string, cwd: string): Promise<void> {
  if (await isEmptyTar(file)) return;
  await tar.x({ file, cwd, ...EXTRACT_OPTIONS });
}

/** The first bytes of a stream, kept so a tiny archive can be checked for being an empty tar. */
const EMPTY_PROBE_BYTES = 4096;

function isEmptyTarBytes(bytes: Buffer): boolean {
  try {
    return gunzipSync(bytes).every((b) => b === 0);
  } catch {
    return false;
  }
}

/**
 * extractChecked for a stream: entries are checked and written into `staging` as the bytes
 * arrive, each chunk passing `onChunk` first (the caller hashes and counts there, and may throw
 * to stop). Nothing outside `staging` is written; the caller swaps it in only after it verified
 * the hash, and removes it otherwise.
 */
export async function extractStreamChecked(
  source: AsyncIterable<Buffer>,
  staging: string,
  limits: ArchiveLimits,
  keep: (entryPath: string) => boolean,
  onChunk: (chunk: Buffer) => void,
): Promise<ArchiveSummary> {
  const checker = new EntryChecker(limits);
  const unpack = tar.x({
    cwd: staging,
    ...EXTRACT_OPTIONS,
    filter: (p, entry) => {
      const e = entry as tar.ReadEntry;
      // setuid/setgid never survive a restore (as on the GNU tar path).
      if (e.mode) e.mode &= 0o1777;
      return checker.accept(e) && keep(safeEntryPath(p));
    },
  });
  let parseError: unknown = null;
  const done = new Promise<void>((resolve) => {
    unpack.on("error", (err: unknown) => {
      parseError ??= err;
      resolve();
    });
    unpack.on("close", () => resolve());
  });
  const head: Buffer[] = [];
  let headBytes = 0;
  try {
    for await (const chunk of source) {
      onChunk(chunk);
      if (headBytes < EMPTY_PROBE_BYTES) {
        head.push(chunk);
        headBytes += chunk.length;
      }
      // After a parse error the rest is still read (and hashed) so the caller learns the whole body's hash.
      if (parseError) continue;
      if (!unpack.write(chunk)) await Promise.race([new Promise<void>((r) => unpack.once("drain", () => r())), done]);
    }
  } catch (err) {
    unpack.abort(err as Error);
    await done;
    throw err;
  }
  unpack.end();
  await done;
  if (checker.failure) throw checker.failure;
  if (parseError) {
    if (checker.entries === 0 && headBytes < EMPTY_PROBE_BYTES && isEmptyTarBytes(Buffer.concat(head))) return { files: 0, bytes: 0 };
    throw new ApiError("bad_request", `not a valid tar.gz archive: ${(parseError as Error).message}`);
  }
  return checker.summary();
}
