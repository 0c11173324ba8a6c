import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Enough for anyone's working set; the oldest names go first. */
const MAX_ENTRIES = 200;

/**
 * The id each session name last resolved to, per server, in `<config dir>/cache/`. A hint only:
 * whoever uses an id from here checks the session it names (ids are never reused, names are).
 */
export class SessionIdCache {
  private readonly file: string;

  constructor(configDir: string, baseURL: string) {
    const server = createHash("sha256").update(baseURL).digest("hex").slice(0, 16);
    this.file = path.join(configDir, "cache", `session-ids-${server}.json`);
  }

  private read(): Record<string, string> {
    try {
      const data = JSON.parse(readFileSync(this.file, "utf8")) as unknown;
      if (typeof data !== "object" || data === null || Array.isArray(data)) return {};
      return Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v === "string")) as Record<string, string>;
    } catch {
      return {};
    }
  }

  get(name: string): string | null {
    return this.read()[name] ?? null;
  }

  set(name: string, id: string): void {
    const entries = this.read();
    if (entries[name] === id) return;
    delete entries[name];
    entries[name] = id;
    const kept = Object.entries(entries).slice(-MAX_ENTRIES);
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(Object.fromEntries(kept)), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs the next connection one request.
    }
  }
}
