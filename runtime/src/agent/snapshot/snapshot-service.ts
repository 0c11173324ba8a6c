import { createHash, randomBytes } from "node:crypto";
import { lstatSync, rmSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gzipSync } from "node:zlib";
import { ApiError } from "@burstflare/sdk/errors";
import * as tar from "tar";
import { moveAcross } from "../files/archive";
import type { WorkspacePaths } from "../files/workspace-paths";
import { type ArchiveLimits, type ArchiveSummary, extractArchive, extractStreamChecked, inspectArchive } from "./archive-safety";
import { ChainReader } from "./chain-body";
import { fingerprintTree } from "./fingerprint";
import { buildManifest, diffManifest, type Manifest, type ManifestDelta } from "./manifest";
import { extractStreamNative, findGnuTar } from "./native-unpack";
import { type ReceivedBody, writeHashed } from "./receive-body";

const SNAPSHOT_LIMITS: ArchiveLimits = { maxEntries: 2_000_000, maxTotalBytes: 64 * 1024 ** 3, allowExternalSymlinks: true };
const BUNDLE_LIMITS: ArchiveLimits = { maxEntries: 100_000, maxTotalBytes: 4 * 1024 ** 3, allowExternalSymlinks: false };

/**
 * gzip level of streamed snapshots: level 1 packs a typical tree at several times level 6's speed
 * for a somewhat larger archive, and the save is bound by compression. Recorded with each snapshot
 * (SNAPSHOT_ENCODING_HEADER → R2 metadata); gunzip reads every level, so older snapshots restore.
 */
export const SNAPSHOT_GZIP_LEVEL = 1;

interface ExportedArchive {
  file: string;
  sha256: string;
  bytes: number;
}

/**
 * Persisted paths as tar.gz: export, verified import (replace), and template bundle import.
 * One operation at a time, so an export never sees a half-restored tree.
 */
export class SnapshotService {
  private queue: Promise<unknown> = Promise.resolve();
  /** The last prepared increment: what `exportDeltaTo(token)` ships. One at a time. */
  private prepared: { token: string; delta: ManifestDelta } | null = null;

  constructor(
    private readonly paths: WorkspacePaths,
    private readonly persisted: string[],
    private readonly tempDir: string,
  ) {}

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Normalised persisted paths; "." (whole workspace) swallows the rest, nested paths fold into their parent. */
  persistedRoots(): string[] {
    const normal = this.persisted.map((p) => this.paths.lexical(p).rel || ".");
    if (normal.includes(".")) return ["."];
    const unique = [...new Set(normal)].sort();
    return unique.filter((p) => !unique.some((other) => other !== p && p.startsWith(`${other}/`)));
  }

  private async tempFile(prefix: string): Promise<string> {
    await fs.mkdir(this.tempDir, { recursive: true });
    return path.join(this.tempDir, `${prefix}-${Date.now()}-${randomBytes(4).toString("hex")}`);
  }

  /** The entries to archive: each persisted root that exists ("./"-prefixed). */
  private async presentRoots(): Promise<string[]> {
    const present: string[] = [];
    for (const root of this.persistedRoots()) {
      if (root === ".") {
        present.push(...(await fs.readdir(this.paths.root)).map((name) => `./${name}`));
        continue;
      }
      const resolved = await this.paths.resolve(root, { followFinal: false });
      // "./" keeps node-tar from reading a name that starts with "@" as an archive to merge.
      if (await fs.lstat(resolved.abs).catch(() => null)) present.push(`./${root}`);
    }
    return present;
  }

  private archiveSource(present: string[], gzip: true | { level: number }): Readable {
    return present.length
      ? (tar.c({ gzip, cwd: this.paths.root, portable: true, noDirRecurse: false }, present) as unknown as Readable)
      : Readable.from([gzipSync(Buffer.alloc(1024))]);
  }

  /**
   * Streams the archive into `sink` as it is built: no temp file, so the upload overlaps the
   * compression. Holds the service's lock until the last byte is written, so no import lands meanwhile.
   */
  exportTo(sink: NodeJS.WritableStream, onStart: () => void, level = SNAPSHOT_GZIP_LEVEL): Promise<void> {
    return this.exclusive(async () => {
      const present = await this.presentRoots();
      onStart();
      await pipeline(this.archiveSource(present, { level }), sink);
    });
  }

  /**
   * The current manifest, hashing only files the base cannot vouch for (same size and mtime), and
   * what changed since the base. The delta is kept under a token for the export that follows.
   */
  prepare(base: Manifest | null): Promise<{ token: string; manifest: Manifest; delta: ManifestDelta }> {
    return this.exclusive(async () => {
      const manifest = await buildManifest(this.paths.root, this.persistedRoots(), base);
      const delta = diffManifest(base ?? { version: 1, entries: [] }, manifest);
      const token = randomBytes(12).toString("hex");
      this.prepared = { token, delta };
      return { token, manifest, delta };
    });
  }

  /** Streams an incremental archive: only the paths `prepare` found changed (no directory recursion). */
  exportDeltaTo(token: string, sink: NodeJS.WritableStream, onStart: () => void): Promise<void> {
    return this.exclusive(async () => {
      if (this.prepared?.token !== token) throw new ApiError("not_found", "no prepared snapshot delta with that token");
      const { changed } = this.prepared.delta;
      this.prepared = null;
      onStart();
      const source = changed.length
        ? (tar.c(
            { gzip: { level: SNAPSHOT_GZIP_LEVEL }, cwd: this.paths.root, portable: true, noDirRecurse: true },
            changed.map((p) => `./${p}`),
          ) as unknown as Readable)
        : Readable.from([gzipSync(Buffer.alloc(1024), { level: SNAPSHOT_GZIP_LEVEL })]);
      await pipeline(source, sink);
    });
  }

  export(): Promise<ExportedArchive> {
    return this.exclusive(async () => {
      const present = await this.presentRoots();
      const file = await this.tempFile("export");
      return writeHashed(this.archiveSource(present, true), file);
    });
  }

  /** Changes whenever a file under the persisted paths is added, removed, written or re-moded. */
  fingerprint(): Promise<{ fingerprint: string; entries: number }> {
    return fingerprintTree(this.paths.root, this.persistedRoots());
  }

  /**
   * Streamed import: the body is unpacked into a staging folder while it is hashed; only when the
   * whole body's SHA-256 equals `expectedSha` are the persisted paths swapped for the staged ones.
   * A mismatch, a cut body or an unsafe entry leaves the workspace as it was.
   */
  importStream(body: AsyncIterable<Buffer>, expectedSha: string, maxBytes: number): Promise<ArchiveSummary> {
    return this.unpackAndSwap(async (staging, under) => {
      const hash = createHash("sha256");
      let bytes = 0;
      const onChunk = (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) throw new ApiError("payload_too_large", `archive exceeds ${maxBytes} bytes`);
        hash.update(chunk);
      };
      const keep = (p: string) => p === "" || under(p);
      const tarFile = findGnuTar();
      const summary = tarFile
        ? await extractStreamNative(tarFile, body, staging, SNAPSHOT_LIMITS, keep, onChunk)
        : await extractStreamChecked(body, staging, SNAPSHOT_LIMITS, keep, onChunk);
      const sha256 = hash.digest("hex");
      if (sha256 !== expectedSha) {
        throw new ApiError("checksum_mismatch", `archive SHA-256 is ${sha256}, expected ${expectedSha}; nothing was changed`);
      }
      return { ...summary, unpacker: tarFile ? "gnu-tar" : "node-tar" };
    });
  }

  /**
   * Restores a chain (full base, then increments in order) into one staging folder: each step's
   * deletions are applied, then its archive unpacked while hashed. Only when every archive's
   * SHA-256 matched are the persisted paths swapped; any failure leaves the workspace as it was.
   */
  importChain(body: AsyncIterable<Buffer>, maxBytes: number): Promise<ArchiveSummary> {
    return this.unpackAndSwap(async (staging, under) => {
      const reader = new ChainReader(body);
      const { steps } = await reader.header();
      let total = 0;
      let summary: ArchiveSummary = { files: 0, bytes: 0 };
      const tarFile = findGnuTar();
      // Symlinks unpacked so far, across links: no later entry may be written through one.
      const symlinks = new Set<string>();
      for (const [i, step] of steps.entries()) {
        total += step.bytes;
        if (total > maxBytes) throw new ApiError("payload_too_large", `snapshot chain exceeds ${maxBytes} bytes`);
        for (const rel of step.deleted) {
          const p = safeRel(rel);
          if (p && under(p) && !throughLink(staging, p)) await fs.rm(path.join(staging, p), { recursive: true, force: true });
          if (p) for (const link of symlinks) if (link === p || link.startsWith(`${p}/`)) symlinks.delete(link);
        }
        const hash = createHash("sha256");
        // An entry replaces what an earlier link left at its path: unlinked first, so it lands
        // with its own mode (an existing file would keep the old one).
        const replace = (p: string) => {
          if (p === "") return true;
          if (!under(p)) return false;
          const abs = path.join(staging, p);
          if (i > 0 && lstatSync(abs, { throwIfNoEntry: false })?.isDirectory() === false) rmSync(abs, { force: true });
          return true;
        };
        const onChunk = (c: Buffer) => {
          hash.update(c);
        };
        // GNU tar unlinks what an earlier link left at an entry's path by itself.
        const got = tarFile
          ? await extractStreamNative(
              tarFile,
              reader.piece(step.bytes),
              staging,
              SNAPSHOT_LIMITS,
              (p) => p === "" || under(p),
              onChunk,
              symlinks,
            )
          : await extractStreamChecked(reader.piece(step.bytes), staging, SNAPSHOT_LIMITS, replace, onChunk);
        const sha256 = hash.digest("hex");
        if (sha256 !== step.sha256) {
          throw new ApiError(
            "checksum_mismatch",
            `archive ${i + 1} of the chain has SHA-256 ${sha256}, expected ${step.sha256}; nothing was changed`,
          );
        }
        summary = { files: summary.files + got.files, bytes: summary.bytes + got.bytes };
      }
      if (!(await reader.atEnd())) throw new ApiError("bad_request", "snapshot chain body is longer than its header says");
      return { ...summary, unpacker: tarFile ? "gnu-tar" : "node-tar" };
    });
  }

  /**
   * Unpacks into a fresh staging folder (`unpack` keeps only entries `under` the persisted paths);
   * only when it returns are the persisted paths swapped for the staged ones, so a throw from
   * `unpack` leaves the workspace as it was.
   */
  private unpackAndSwap(unpack: (staging: string, under: (p: string) => boolean) => Promise<ArchiveSummary>): Promise<ArchiveSummary> {
    return this.exclusive(async () => {
      const roots = this.persistedRoots();
      const staging = await this.tempFile("staging");
      const trash = await this.tempFile("trash");
      await fs.mkdir(staging);
      await fs.mkdir(trash);
      try {
        const under = (p: string) => roots.includes(".") || roots.some((r) => p === r || p.startsWith(`${r}/`));
        const summary = await unpack(staging, under);
        const swaps = roots[0] === "." ? [...new Set([...(await fs.readdir(this.paths.root)), ...(await fs.readdir(staging))])] : roots;
        for (const rel of swaps) await this.swap(rel, staging, trash);
        return summary;
      } finally {
        void fs.rm(staging, { recursive: true, force: true });
        void fs.rm(trash, { recursive: true, force: true });
      }
    });
  }

  /** Moves workspace/rel aside and staging/rel into its place. */
  private async swap(rel: string, staging: string, trash: string): Promise<void> {
    const target = await this.paths.resolve(rel, { followFinal: false });
    const staged = path.join(staging, rel);
    const current = await fs.lstat(target.abs).catch(() => null);
    if (current) await moveAcross(target.abs, path.join(trash, encodeURIComponent(rel)));
    if (await fs.lstat(staged).catch(() => null)) {
      await fs.mkdir(path.dirname(target.abs), { recursive: true });
      await moveAcross(staged, target.abs);
    }
  }

  /** Template bundle: unpacked over the workspace root after every entry has been checked. */
  importBundle(body: ReceivedBody, expectedSha: string | null): Promise<ArchiveSummary> {
    return this.exclusive(async () => {
      if (expectedSha && body.sha256 !== expectedSha) {
        throw new ApiError("checksum_mismatch", `bundle SHA-256 is ${body.sha256}, expected ${expectedSha}; nothing was changed`);
      }
      const summary = await inspectArchive(body.file, BUNDLE_LIMITS);
      await extractArchive(body.file, this.paths.root);
      return summary;
    });
  }
}

/** A deletion path from the chain header, refused when it could leave the staging folder. */
function safeRel(rel: string): string | null {
  const parts = rel.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..") || rel.startsWith("/") || rel.includes("\0"))
    throw new ApiError("unsafe_archive", `unsafe deletion path: ${rel}`);
  return parts.length ? parts.join("/") : null;
}

/**
 * True when a folder on the way to `rel` inside `root` is a symlink: a chain's deletion list is the
 * word of whoever answered as the agent when it was saved, and `rm` would follow such a link out of
 * the workspace (a restored `work/out -> /elsewhere` plus a deletion of `work/out/x`). The link
 * itself, named whole, may still be deleted.
 */
function throughLink(root: string, rel: string): boolean {
  const parts = rel.split("/");
  for (let i = 1; i < parts.length; i++) {
    if (lstatSync(path.join(root, ...parts.slice(0, i)), { throwIfNoEntry: false })?.isSymbolicLink()) return true;
  }
  return false;
}
