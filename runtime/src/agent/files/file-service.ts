import { randomBytes } from "node:crypto";
import { createReadStream, type ReadStream, type Stats } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { ApiError } from "@burstflare/sdk/errors";
import type { FileEntry } from "@burstflare/sdk/protocol/agent";
import type { ActivityTracker } from "../activity/activity-tracker";
import type { WorkspacePaths } from "./workspace-paths";
import { writeCapped } from "./write-capped";

/** Largest file the editor may write in one request. */
export const MAX_WRITE_BYTES = 64 * 1024 * 1024;

export function toEntry(rel: string, stat: Stats): FileEntry {
  return {
    path: rel,
    name: path.basename(rel),
    type: stat.isSymbolicLink() ? "symlink" : stat.isDirectory() ? "directory" : "file",
    size: stat.isDirectory() ? 0 : stat.size,
    mtimeMs: Math.round(stat.mtimeMs),
  };
}

function notFound(err: unknown, what: string): never {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") throw new ApiError("not_found", `${what} does not exist`);
  throw err;
}

/** The editor's file operations; every path goes through WorkspacePaths first. */
export class FileService {
  constructor(
    private readonly paths: WorkspacePaths,
    private readonly activity: ActivityTracker,
  ) {}

  async tree(input: string): Promise<FileEntry[]> {
    const dir = await this.paths.resolve(input || ".", { followFinal: true });
    const stat = await fs.stat(dir.abs).catch((err) => notFound(err, input || "."));
    if (!stat.isDirectory()) throw new ApiError("bad_request", `${input} is not a directory`);
    const names = await fs.readdir(dir.abs);
    const entries = await Promise.all(
      names.map(async (name) => {
        const rel = dir.rel ? `${dir.rel}/${name}` : name;
        const entryStat = await fs.lstat(path.join(dir.abs, name)).catch(() => null);
        return entryStat ? toEntry(rel, entryStat) : null;
      }),
    );
    return entries
      .filter((e): e is FileEntry => e !== null)
      .sort((a, b) =>
        (a.type === "directory") !== (b.type === "directory") ? (a.type === "directory" ? -1 : 1) : a.name.localeCompare(b.name),
      );
  }

  async open(input: string): Promise<{ stream: ReadStream; stat: Stats }> {
    const file = await this.paths.resolve(input, { followFinal: true });
    const stat = await fs.stat(file.abs).catch((err) => notFound(err, input));
    if (!stat.isFile()) throw new ApiError("bad_request", `${input} is not a regular file`);
    return { stream: createReadStream(file.abs), stat };
  }

  /** Writes to a temp file beside the target, then renames: readers never see a partial file. */
  async write(input: string, body: Readable): Promise<FileEntry> {
    const file = await this.paths.resolve(input, { followFinal: true });
    if (!file.rel) throw new ApiError("bad_request", "cannot write the workspace root");
    const target = await fs.realpath(file.abs).catch(() => file.abs);
    const existing = await fs.stat(target).catch(() => null);
    if (existing?.isDirectory()) throw new ApiError("conflict", `${input} is a directory`);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.bf-${randomBytes(4).toString("hex")}`);
    await writeCapped(body, temp, {
      maxBytes: MAX_WRITE_BYTES,
      tooLarge: `files are limited to ${MAX_WRITE_BYTES} bytes`,
      mode: existing ? existing.mode & 0o7777 : 0o644,
    });
    await fs.rename(temp, target).catch(async (err) => {
      await fs.rm(temp, { force: true });
      throw err;
    });
    this.activity.touch("files");
    return toEntry(file.rel, await fs.lstat(file.abs));
  }

  async mkdir(input: string): Promise<FileEntry> {
    const dir = await this.paths.resolve(input, { followFinal: true });
    const existing = await fs.lstat(dir.abs).catch(() => null);
    if (existing && !existing.isDirectory()) throw new ApiError("conflict", `${input} exists and is not a directory`);
    await fs.mkdir(dir.abs, { recursive: true });
    this.activity.touch("files");
    return toEntry(dir.rel, await fs.lstat(dir.abs));
  }

  async rename(fromInput: string, toInput: string): Promise<FileEntry> {
    const from = await this.paths.resolve(fromInput, { followFinal: false });
    const to = await this.paths.resolve(toInput, { followFinal: false });
    if (!from.rel || !to.rel) throw new ApiError("bad_request", "cannot rename the workspace root");
    await fs.lstat(from.abs).catch((err) => notFound(err, fromInput));
    if (await fs.lstat(to.abs).catch(() => null)) throw new ApiError("conflict", `${toInput} already exists`);
    if (to.abs.startsWith(from.abs + path.sep)) throw new ApiError("bad_request", "cannot move a directory into itself");
    await fs.mkdir(path.dirname(to.abs), { recursive: true });
    await fs.rename(from.abs, to.abs);
    this.activity.touch("files");
    return toEntry(to.rel, await fs.lstat(to.abs));
  }

  async remove(input: string): Promise<void> {
    const target = await this.paths.resolve(input, { followFinal: false });
    if (!target.rel) throw new ApiError("bad_request", "cannot delete the workspace root");
    await fs.lstat(target.abs).catch((err) => notFound(err, input));
    await fs.rm(target.abs, { recursive: true, force: true });
    this.activity.touch("files");
  }
}
