import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/**
 * A cheap change signal for autosave: SHA-256 over (path, type, size, mtime in ns, mode,
 * link target) of every entry under the given roots, in sorted order. Reads metadata only.
 */
export async function fingerprintTree(root: string, relRoots: string[]): Promise<{ fingerprint: string; entries: number }> {
  const hash = createHash("sha256");
  let entries = 0;
  const visit = async (rel: string): Promise<void> => {
    const abs = rel === "." ? root : path.join(root, rel);
    const stat = await fs.lstat(abs, { bigint: true }).catch(() => null);
    if (!stat) return;
    entries += 1;
    const type = stat.isSymbolicLink() ? "l" : stat.isDirectory() ? "d" : "f";
    const link = type === "l" ? await fs.readlink(abs).catch(() => "") : "";
    hash.update(`${rel}\0${type}\0${stat.size}\0${stat.mtimeNs}\0${stat.mode}\0${link}\n`);
    if (type !== "d") return;
    const names = (await fs.readdir(abs).catch(() => [] as string[])).sort();
    for (const name of names) await visit(rel === "." ? name : `${rel}/${name}`);
  };
  for (const rel of [...relRoots].sort()) await visit(rel);
  return { fingerprint: hash.digest("hex"), entries };
}
