import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { NameKind } from "./complete";

/** Long enough for one command line's worth of tab presses, short enough to see new sessions. */
export const NAME_CACHE_TTL_MS = 30_000;

const entrySchema = z.object({ at: z.number(), values: z.array(z.string()) });

/** Names per server and kind in `<config dir>/cache/`, so each tab press does not ask the API. */
export class NameCache {
  constructor(
    private readonly dir: string,
    private readonly baseURL: string,
    private readonly now: () => number = Date.now,
  ) {}

  private file(kind: NameKind): string {
    const server = createHash("sha256").update(this.baseURL).digest("hex").slice(0, 16);
    return path.join(this.dir, "cache", `complete-${server}-${kind}.json`);
  }

  get(kind: NameKind): string[] | null {
    try {
      const entry = entrySchema.parse(JSON.parse(readFileSync(this.file(kind), "utf8")));
      return this.now() - entry.at < NAME_CACHE_TTL_MS ? entry.values : null;
    } catch {
      return null;
    }
  }

  set(kind: NameKind, values: string[]): void {
    const file = this.file(kind);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ at: this.now(), values }), { mode: 0o600 });
    renameSync(tmp, file);
  }
}
