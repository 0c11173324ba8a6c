import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { snapshotManifest } from "@burstflare/sdk/protocol/runtime-host";
import type { z } from "zod";

/** The manifest's schema is the contract's (the API reads it back when a runtime keeps its workspace). */
export const manifestBody = snapshotManifest;
export type Manifest = z.infer<typeof manifestBody>;
type ManifestEntry = Manifest["entries"][number];

async function hashFile(abs: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(abs)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Walks the roots (relative to `root`, sorted) and hashes every file the base cannot vouch for. */
export async function buildManifest(root: string, relRoots: string[], base: Manifest | null): Promise<Manifest> {
  const known = new Map((base?.entries ?? []).map((e) => [e.p, e]));
  const entries: ManifestEntry[] = [];
  const visit = async (rel: string): Promise<void> => {
    const abs = rel === "." ? root : path.join(root, rel);
    const stat = await fs.lstat(abs, { bigint: true }).catch(() => null);
    if (!stat) return;
    const t = stat.isSymbolicLink() ? "l" : stat.isDirectory() ? "d" : stat.isFile() ? "f" : null;
    if (!t) return;
    const entry: ManifestEntry = { p: rel, t, s: Number(stat.size), m: String(stat.mtimeNs), mode: Number(stat.mode & 0o7777n) };
    if (t === "l") entry.l = await fs.readlink(abs);
    if (t === "f") {
      const prev = known.get(rel);
      const reuse = prev?.t === "f" && prev.s === entry.s && prev.m === entry.m && prev.h;
      entry.h = reuse ? prev.h : await hashFile(abs).catch(() => "");
    }
    if (rel !== ".") entries.push(entry);
    if (t !== "d") return;
    const names = (await fs.readdir(abs).catch(() => [] as string[])).sort();
    for (const name of names) await visit(rel === "." ? name : `${rel}/${name}`);
  };
  for (const rel of [...relRoots].sort()) await visit(rel);
  return { version: 1, entries };
}

export interface ManifestDelta {
  /** Paths to ship, parents before children (files, links, new or re-moded directories). */
  changed: string[];
  /** Paths gone since the base, or whose type changed (removed before the new one lands); no path under another. */
  deleted: string[];
  changedBytes: number;
}

/** What an increment over `base` must carry to turn the base's tree into `next`'s. */
export function diffManifest(base: Manifest, next: Manifest): ManifestDelta {
  const before = new Map(base.entries.map((e) => [e.p, e]));
  const after = new Set(next.entries.map((e) => e.p));
  const changed: string[] = [];
  const removed: string[] = [];
  let changedBytes = 0;
  for (const e of next.entries) {
    const prev = before.get(e.p);
    if (prev && prev.t !== e.t) removed.push(e.p);
    // A directory's own mtime moves with its content; only its existence and mode matter here.
    const same =
      prev && prev.t === e.t && prev.mode === e.mode && (e.t === "d" || (prev.h === e.h && prev.l === e.l && !!e.h === !!prev.h));
    if (!same || (e.t === "f" && !e.h)) {
      changed.push(e.p);
      if (e.t === "f") changedBytes += e.s;
    }
  }
  for (const e of base.entries) if (!after.has(e.p)) removed.push(e.p);
  const gone = new Set(removed);
  const underGone = (p: string) => p.split("/").some((_, i, parts) => i > 0 && gone.has(parts.slice(0, i).join("/")));
  const deleted = removed.filter((p) => !underGone(p)).sort();
  return { changed, deleted, changedBytes };
}
