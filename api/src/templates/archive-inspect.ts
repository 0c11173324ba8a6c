import { escapingSymlink, pathSegments, symlinkStaysInside } from "@burstflare/sdk/archive-links";
import { ApiError } from "@burstflare/sdk/errors";
import tarStream from "tar-stream";

export interface ArchiveLimits {
  maxFiles: number;
  maxUncompressedBytes: number;
  /** Uncompressed/compressed ratio above which an archive counts as a decompression bomb… */
  maxRatio: number;
  /** …once it has expanded past this many bytes (small archives compress well legitimately). */
  ratioFloorBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxFiles: 20_000,
  maxUncompressedBytes: 1024 ** 3,
  maxRatio: 100,
  ratioFloorBytes: 16 * 1024 * 1024,
};

interface ArchiveStats {
  files: number;
  uncompressedBytes: number;
}

const unsafe = (message: string) => new ApiError("unsafe_archive", message);
const ALLOWED_TYPES = new Set(["file", "contiguous-file", "directory", "symlink", "link"]);

/** Entry names land under the workspace root: no absolute paths, no `..`, no NUL. */
function checkName(name: string): void {
  if (name.includes("\0")) throw unsafe(`entry name contains a NUL byte: ${JSON.stringify(name)}`);
  if (name.startsWith("/")) throw unsafe(`absolute path in archive: ${name}`);
  if (name.split("/").includes("..")) throw unsafe(`path escapes the archive with "..": ${name}`);
}

/**
 * Reads a gzip'd tar stream header by header (contents are skipped, never buffered) and
 * throws ApiError unsafe_archive naming the first problem. `compressedBytes` reports how
 * much of the compressed input has been seen, for the bomb ratio.
 */
export async function inspectArchive(
  gzip: ReadableStream<Uint8Array>,
  compressedBytes: () => number,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ArchiveStats> {
  const extract = tarStream.extract();
  const symlinks = new Map<string, string>();
  let files = 0;
  let uncompressed = 0;
  let failure: unknown = null;
  // Destroy without an error: the reason is kept in `failure`, and an error event here would be unhandled.
  const stop = () => {
    if (!extract.destroyed) (extract as unknown as { destroy(): void }).destroy();
  };

  const finished = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      // A destroyed extractor destroys the current entry too; its error is already ours.
      stream.on("error", () => {});
      try {
        files++;
        if (files > limits.maxFiles) throw unsafe(`too many files in archive (limit ${limits.maxFiles})`);
        checkName(header.name);
        const type = header.type ?? "file";
        if (!ALLOWED_TYPES.has(type)) throw unsafe(`${type} entries are not allowed: ${header.name}`);
        const link = header.linkname ?? "";
        if (type === "symlink") {
          if (link.startsWith("/")) throw unsafe(`symlink ${header.name} points outside the tree (absolute target ${link})`);
          if (!symlinkStaysInside(header.name, link, new Map())) {
            throw unsafe(`symlink ${header.name} points outside the tree (${link})`);
          }
          symlinks.set(pathSegments(header.name).join("/"), link);
        }
        if (type === "link") {
          if (link.startsWith("/") || link.split("/").includes("..")) {
            throw unsafe(`hardlink ${header.name} points outside the tree (${link})`);
          }
        }
      } catch (err) {
        failure = err;
        stop();
        return;
      }
      stream.on("end", () => next());
      stream.resume();
    });
    extract.on("finish", resolve);
    extract.on("error", (err: Error) => reject(failure ?? unsafe(`not a valid tar archive: ${err.message}`)));
    extract.on("close", () => {
      if (failure) reject(failure);
    });
  });
  finished.catch(() => {});

  const reader = gzip.pipeThrough(new DecompressionStream("gzip")).getReader();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (err) {
        throw failure ?? unsafe(`not a gzip archive: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (failure) throw failure;
      if (chunk.done) break;
      uncompressed += chunk.value.byteLength;
      if (uncompressed > limits.maxUncompressedBytes) {
        throw unsafe(`decompression bomb: archive expands past ${limits.maxUncompressedBytes} bytes`);
      }
      if (uncompressed > limits.ratioFloorBytes && uncompressed > limits.maxRatio * Math.max(1, compressedBytes())) {
        throw unsafe(`decompression bomb: archive expands more than ${limits.maxRatio}x`);
      }
      if (!extract.write(chunk.value)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            extract.off("drain", done);
            extract.off("close", done);
            resolve();
          };
          extract.on("drain", done);
          extract.on("close", done);
        });
      }
      if (failure) throw failure;
    }
    // streamx's end(data) writes `data` when given one; call it bare.
    (extract as unknown as { end(): void }).end();
    await finished;
  } catch (err) {
    reader.cancel(err).catch(() => {});
    stop();
    throw err instanceof ApiError ? err : unsafe(`not a valid archive: ${err instanceof Error ? err.message : String(err)}`);
  }
  const escaping = escapingSymlink(symlinks);
  if (escaping !== null) throw unsafe(`symlink ${escaping} points outside the tree through another link`);
  return { files, uncompressedBytes: uncompressed };
}
