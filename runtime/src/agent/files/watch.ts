import { type FSWatcher, lstatSync, watch } from "node:fs";
import fs from "node:fs/promises";
import type { ServerResponse } from "node:http";
import path from "node:path";
import { ApiError } from "@burstflare/sdk/errors";
import { WATCHERS_MAX, type WatchEvent } from "@burstflare/sdk/protocol/files";
import type { WorkspacePaths } from "./workspace-paths";

/** Names seen when the watch starts, to tell a create from a replace; past this, any appearance is a create. */
const KNOWN_MAX = 50_000;
/** Bytes queued on a slow reader before the watch gives up on it (an `overflow` event, then the end). */
const BACKLOG_MAX = 1024 * 1024;
const HEARTBEAT_MS = 15_000;
/** FileService writes through `.name.bf-xxxxxxxx` temp files; they are not the program's files. */
const TEMP_NAME = /(^|\/)\.[^/]*\.bf-[0-9a-f]{8}$/;

type EntryType = WatchEvent["entryType"];

function typeOf(abs: string): EntryType | "missing" {
  try {
    const stat = lstatSync(abs);
    return stat.isSymbolicLink() ? "symlink" : stat.isDirectory() ? "directory" : "file";
  } catch {
    return "missing";
  }
}

async function scan(root: string, rel: string, known: Set<string>): Promise<void> {
  const names = await fs.readdir(path.join(root, rel), { withFileTypes: true }).catch(() => []);
  for (const d of names) {
    if (known.size >= KNOWN_MAX) return;
    const child = rel ? `${rel}/${d.name}` : d.name;
    known.add(child);
    if (d.isDirectory()) await scan(root, child, known);
  }
}

/**
 * Watches a directory (recursively) and writes Server-Sent Events to `res`: `ready` once the
 * watch is in place, then `create`, `modify` and `delete` in the order the kernel reported them,
 * `end` when the watch times out. Each kernel event is classified on the spot (lstat), so events
 * stay in order; a write may show as `create` then `modify`. Ends when the caller goes away.
 */
export class Watches {
  private open = 0;

  constructor(private readonly paths: WorkspacePaths) {}

  async serve(input: string, timeoutMs: number, res: ServerResponse): Promise<void> {
    const dir = await this.paths.resolve(input, { followFinal: true });
    const stat = await fs.stat(dir.abs).catch(() => null);
    if (!stat) throw new ApiError("not_found", `${input || "."} does not exist`);
    if (!stat.isDirectory()) throw new ApiError("bad_request", `${input} is not a directory`);
    if (this.open >= WATCHERS_MAX) throw new ApiError("rate_limited", `at most ${WATCHERS_MAX} watches may be open on a session`);
    this.open += 1;
    const known = new Set<string>();
    let watcher: FSWatcher | null = null;
    let timer: NodeJS.Timeout | null = null;
    let heartbeat: NodeJS.Timeout | null = null;
    let closed = false;
    let seq = 0;
    const close = (end = true) => {
      if (closed) return;
      closed = true;
      this.open -= 1;
      watcher?.close();
      if (timer) clearTimeout(timer);
      if (heartbeat) clearInterval(heartbeat);
      if (end) res.end();
    };
    const send = (event: string, data: unknown) => {
      if (closed) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      if (res.writableLength > BACKLOG_MAX) {
        res.write(`event: overflow\ndata: ${JSON.stringify({ message: "the reader fell behind; events were dropped" })}\n\n`);
        close();
      }
    };
    res.on("close", () => close());
    try {
      await scan(dir.abs, "", known);
      const knownComplete = known.size < KNOWN_MAX;
      const prefix = dir.rel ? `${dir.rel}/` : "";
      let last = "";
      watcher = watch(dir.abs, { recursive: true, persistent: false }, (kind, name) => {
        if (closed || !name) return;
        const rel = String(name).split(path.sep).join("/");
        if (TEMP_NAME.test(rel)) return;
        const now = typeOf(path.join(dir.abs, rel));
        let type: WatchEvent["type"];
        if (now === "missing") {
          // Something that came and went before it could be looked at was never reported: no delete either.
          if (!known.delete(rel) && knownComplete) return;
          // A deleted directory takes its entries with it: recreated, they are new again.
          for (const k of known) if (k.startsWith(`${rel}/`)) known.delete(k);
          type = "delete";
        } else if (kind === "rename" && !known.has(rel)) {
          known.add(rel);
          type = "create";
        } else type = "modify";
        // A directory's own change events (its entries changed) add nothing to the entries' events.
        if (type === "modify" && now === "directory") return;
        const key = `${type}:${rel}`;
        if (key === last) return;
        last = key;
        seq += 1;
        send(type, { type, path: `${prefix}${rel}`, entryType: now === "missing" ? null : now, seq } satisfies WatchEvent);
      });
      watcher.on("error", () => close());
    } catch (err) {
      close(false);
      throw err;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", "x-accel-buffering": "no" });
    send("ready", { path: dir.rel, timeoutMs });
    heartbeat = setInterval(() => !closed && res.write(": ping\n\n"), HEARTBEAT_MS);
    timer = setTimeout(() => {
      send("end", { reason: "timeout" });
      close();
    }, timeoutMs);
  }
}
