import { realpathSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { ApiError } from "@burstflare/sdk/errors";

interface ResolvedPath {
  /** Absolute path on disk (not symlink-resolved). */
  abs: string;
  /** Path relative to the workspace root, "" for the root itself. */
  rel: string;
}

/**
 * Confines user-supplied paths to the workspace. Lexical checks first (`..`, absolute
 * paths elsewhere), then a realpath check of the nearest existing ancestor and, when
 * the caller follows it, of the target itself, so a symlink cannot lead outside.
 */
export class WorkspacePaths {
  readonly root: string;
  private realRootCache: string | null = null;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private realRoot(): string {
    if (!this.realRootCache) this.realRootCache = realpathSync(this.root);
    return this.realRootCache;
  }

  private inside(candidate: string, root: string): boolean {
    return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  }

  /** Lexical resolution only: refuses `..`, NUL bytes and absolute paths outside the workspace. */
  lexical(input: string): ResolvedPath {
    if (input.includes("\0")) throw new ApiError("bad_request", "path contains a NUL byte");
    if (input.split(/[\\/]/).includes("..")) throw new ApiError("bad_request", "path must not contain '..'");
    const abs = path.resolve(this.root, input);
    if (!this.inside(abs, this.root)) throw new ApiError("forbidden", "path is outside the workspace");
    return { abs, rel: path.relative(this.root, abs) };
  }

  /**
   * Full check. followFinal: the operation reads or writes through the final component
   * (read, write, list); false when it acts on the entry itself (delete, rename).
   */
  async resolve(input: string, { followFinal }: { followFinal: boolean }): Promise<ResolvedPath> {
    const resolved = this.lexical(input);
    const realRoot = this.realRoot();
    if (resolved.abs === this.root) return resolved;
    const parentReal = await this.realAncestor(path.dirname(resolved.abs));
    if (!this.inside(parentReal, realRoot)) throw new ApiError("forbidden", "path leads outside the workspace through a symlink");
    if (followFinal) {
      const targetReal = await fs.realpath(resolved.abs).catch((err: NodeJS.ErrnoException) => {
        // A dangling symlink: follow it lexically so writing through it cannot create a file outside.
        if (err.code === "ENOENT") return this.danglingTarget(resolved.abs);
        throw err;
      });
      if (targetReal && !this.inside(targetReal, realRoot))
        throw new ApiError("forbidden", "path leads outside the workspace through a symlink");
    }
    return resolved;
  }

  private async realAncestor(dir: string): Promise<string> {
    let current = dir;
    for (;;) {
      try {
        return await fs.realpath(current);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT" && (err as NodeJS.ErrnoException).code !== "ENOTDIR") throw err;
        const up = path.dirname(current);
        if (up === current) return current;
        current = up;
      }
    }
  }

  private async danglingTarget(abs: string): Promise<string | null> {
    const stat = await fs.lstat(abs).catch(() => null);
    if (!stat?.isSymbolicLink()) return null;
    const target = path.resolve(path.dirname(abs), await fs.readlink(abs));
    return path.join(await this.realAncestor(path.dirname(target)), path.basename(target));
  }
}
