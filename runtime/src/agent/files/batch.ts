import fs from "node:fs/promises";
import { Readable } from "node:stream";
import { ApiError } from "@burstflare/sdk/errors";
import type { FileEntry } from "@burstflare/sdk/protocol/agent";
import { BATCH_READ_MAX, BATCH_READ_TOTAL_MAX, type FileOpResult, type fileOp, LIST_ENTRIES_MAX } from "@burstflare/sdk/protocol/files";
import type { z } from "zod";
import { type FileService, toEntry } from "./file-service";
import type { WorkspacePaths } from "./workspace-paths";

type Op = z.infer<typeof fileOp>;

/**
 * Runs a batch of file ops in order through the same FileService (and so the same path rules)
 * as the editor's file API. Every path is checked lexically before anything runs, so a `..`
 * anywhere refuses the whole batch; the rest (a symlink out, a missing file) fails only its op.
 */
export class FileBatch {
  constructor(
    private readonly files: FileService,
    private readonly paths: WorkspacePaths,
  ) {}

  async run(ops: Op[]): Promise<FileOpResult[]> {
    for (const op of ops) for (const p of op.op === "move" ? [op.from, op.to] : [op.path]) this.paths.lexical(p);
    const budget = { read: 0 };
    const results: FileOpResult[] = [];
    for (const op of ops) {
      try {
        results.push({ ok: true, ...(await this.one(op, budget)) });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        results.push({ ok: false, error: { code: err.code, message: err.message } });
      }
    }
    return results;
  }

  private async one(op: Op, budget: { read: number }): Promise<Omit<FileOpResult, "ok">> {
    switch (op.op) {
      case "read": {
        const { stream, stat } = await this.files.open(op.path);
        if (stat.size > BATCH_READ_MAX) {
          stream.destroy();
          throw new ApiError("payload_too_large", `${op.path} is ${stat.size} bytes; a batch reads files up to ${BATCH_READ_MAX}`);
        }
        budget.read += stat.size;
        if (budget.read > BATCH_READ_TOTAL_MAX) {
          stream.destroy();
          throw new ApiError("payload_too_large", `the batch's reads exceed ${BATCH_READ_TOTAL_MAX} bytes`);
        }
        const chunks: Buffer[] = [];
        for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
        return { content: Buffer.concat(chunks).toString(op.encoding), encoding: op.encoding };
      }
      case "write": {
        const bytes = Buffer.from(op.content, op.encoding);
        return { entry: await this.files.write(op.path, Readable.from([bytes])) };
      }
      case "list":
        return op.recursive ? this.listRecursive(op.path) : { entries: await this.files.tree(op.path) };
      case "stat": {
        const target = await this.paths.resolve(op.path, { followFinal: false });
        const stat = await fs.lstat(target.abs).catch(() => {
          throw new ApiError("not_found", `${op.path || "."} does not exist`);
        });
        return { entry: toEntry(target.rel, stat) };
      }
      case "mkdir":
        return { entry: await this.files.mkdir(op.path) };
      case "delete":
        await this.files.remove(op.path);
        return {};
      case "move":
        return { entry: await this.files.rename(op.from, op.to) };
    }
  }

  /** Depth first, directories before files at each level; symlinked directories are listed, not entered. */
  private async listRecursive(input: string): Promise<Omit<FileOpResult, "ok">> {
    const entries: FileEntry[] = [];
    const walk = async (dir: string): Promise<boolean> => {
      for (const entry of await this.files.tree(dir)) {
        if (entries.length >= LIST_ENTRIES_MAX) return false;
        entries.push(entry);
        if (entry.type === "directory" && !(await walk(entry.path))) return false;
      }
      return true;
    };
    const complete = await walk(input);
    return { entries, truncated: !complete };
  }
}
