import { createReadStream } from "node:fs";
import path from "node:path";
import { createGunzip } from "node:zlib";
import * as tar from "tar";
import { ApiError } from "../../../../sdk/errors";

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
 * Reads the whole archive once without writing anything and refuses it when any entry
 * could land outside the extraction root or the archive is too big. Only then do we extract.
 */
export async function inspectArchive(file: string, limits: ArchiveLimits): Promise<ArchiveSummary> {
  let entries = 0;
  let files = 0;
  let bytes = 0;
  let failure: unknown = null;
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (entry) => {
        if (failure) return;
        try {
          entries += 1;
          if (entries > limits.maxEntries) unsafe(`archive has more than ${limits.maxEntries} entries`);
          if (!ALLOWED_TYPES.has(entry.type)) unsafe(`unsupported entry type ${entry.type}: ${entry.path}`);
          const name = safeEntryPath(entry.path);
          if (entry.type === "SymbolicLink" && limits.allowExternalSymlinks) {
            if (!entry.linkpath) unsafe(`symlink ${name} has no target`);
          } else if (entry.type === "SymbolicLink" || entry.type === "Link") {
            const link = entry.linkpath ?? "";
            if (!link || link.startsWith("/")) unsafe(`link ${name} points to an absolute path`);
            // Symlinks resolve from their own folder; hard links name a path from the archive root.
            const base = entry.type === "SymbolicLink" ? path.posix.dirname(name) : "";
            const target = path.posix.normalize(path.posix.join(base, link));
            if (target === ".." || target.startsWith("../")) unsafe(`link ${name} points outside the archive: ${link}`);
          } else if (entry.type !== "Directory") {
            files += 1;
            bytes += entry.size;
            if (bytes > limits.maxTotalBytes) unsafe(`archive unpacks to more than ${limits.maxTotalBytes} bytes`);
          }
        } catch (err) {
          failure = err;
        }
      },
    });
  } catch (err) {
    if (failure) throw failure;
    if (entries === 0 && (await isEmptyTar(file))) return { files: 0, bytes: 0 };
    throw new ApiError("bad_request", `not a valid tar.gz archive: ${(err as Error).message}`);
  }
  if (failure) throw failure;
  return { files, bytes };
}

/** Extracts a previously inspected archive; modes and mtimes are kept, ownership is not. */
export async function extractArchive(file: string, cwd: string, filter?: (entryPath: string) => boolean): Promise<void> {
  if (await isEmptyTar(file)) return;
  await tar.x({
    file,
    cwd,
    strict: true,
    preserveOwner: false,
    chmod: true,
    processUmask: 0,
    filter: filter ? (p) => filter(safeEntryPath(p)) : undefined,
  });
}
