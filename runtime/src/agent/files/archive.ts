import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { ApiError } from "@burstflare/sdk/errors";
import { ARCHIVE_ENTRIES_MAX, ARCHIVE_UNPACKED_MAX, ARCHIVE_UPLOAD_MAX, type ArchiveUploadResult } from "@burstflare/sdk/protocol/files";
import * as tar from "tar";
import type { ActivityTracker } from "../activity/activity-tracker";
import { extractStreamChecked } from "../snapshot/archive-safety";
import type { WorkspacePaths } from "./workspace-paths";

/** Directory transfers as tar streams. Gzip level 1: the transfer is local-ish, speed beats size. */
export class DirectoryArchives {
  constructor(
    private readonly paths: WorkspacePaths,
    private readonly activity: ActivityTracker,
    private readonly tempDir: string,
  ) {}

  /** The directory's contents as tar.gz, entries `./…`; symlinks are stored as links and never followed. */
  async pack(input: string): Promise<Readable> {
    const dir = await this.paths.resolve(input, { followFinal: true });
    const stat = await fs.stat(dir.abs).catch(() => null);
    if (!stat) throw new ApiError("not_found", `${input || "."} does not exist`);
    if (!stat.isDirectory()) throw new ApiError("bad_request", `${input} is not a directory`);
    const names = await fs.readdir(dir.abs);
    // "./" keeps node-tar from reading a name that starts with "@" as an archive to merge.
    return tar.c(
      { gzip: { level: 1 }, cwd: dir.abs, portable: true },
      names.length ? names.map((n) => `./${n}`) : ["."],
    ) as unknown as Readable;
  }

  /**
   * Unpacks into a staging folder with the snapshot import's entry checks (no absolute or `..`
   * names, no link out of the archive, no devices, bounded size and count), then merges the
   * result over the directory: files replace files, directories merge. Nothing is written into
   * the workspace unless the whole archive was acceptable.
   */
  async unpack(input: string, body: AsyncIterable<Buffer>): Promise<ArchiveUploadResult> {
    const dir = await this.paths.resolve(input, { followFinal: true });
    const existing = await fs.stat(dir.abs).catch(() => null);
    if (existing && !existing.isDirectory()) throw new ApiError("conflict", `${input} exists and is not a directory`);
    await fs.mkdir(this.tempDir, { recursive: true });
    const staging = path.join(this.tempDir, `upload-${Date.now()}-${randomBytes(4).toString("hex")}`);
    await fs.mkdir(staging);
    try {
      let received = 0;
      const summary = await extractStreamChecked(
        body,
        staging,
        { maxEntries: ARCHIVE_ENTRIES_MAX, maxTotalBytes: ARCHIVE_UNPACKED_MAX, allowExternalSymlinks: false },
        () => true,
        (chunk) => {
          received += chunk.length;
          if (received > ARCHIVE_UPLOAD_MAX) throw new ApiError("payload_too_large", `archive exceeds ${ARCHIVE_UPLOAD_MAX} bytes`);
        },
      );
      await fs.mkdir(dir.abs, { recursive: true });
      await merge(staging, dir.abs);
      this.activity.touch("files");
      return { path: dir.rel, files: summary.files, bytes: summary.bytes };
    } finally {
      void fs.rm(staging, { recursive: true, force: true });
    }
  }
}

/** Moves `from`'s entries into `to`. Only a real directory (never a symlink to one) is merged into. */
async function merge(from: string, to: string): Promise<void> {
  for (const name of await fs.readdir(from)) {
    const src = path.join(from, name);
    const dst = path.join(to, name);
    const [srcStat, dstStat] = await Promise.all([fs.lstat(src), fs.lstat(dst).catch(() => null)]);
    if (srcStat.isDirectory() && dstStat?.isDirectory()) {
      await merge(src, dst);
      continue;
    }
    if (dstStat) await fs.rm(dst, { recursive: true, force: true });
    await moveAcross(src, dst);
  }
}

/** rename(), or copy + remove when the source is on another filesystem than the target. */
export async function moveAcross(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    await fs.cp(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    await fs.rm(from, { recursive: true, force: true });
  }
}
