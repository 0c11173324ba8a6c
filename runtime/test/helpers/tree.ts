import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** path → "file:<sha256>" | "dir" | "link:<target>" for every entry under root. */
export function hashTree(root: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  const dir = path.join(root, rel);
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir).sort()) {
    const relPath = rel ? `${rel}/${name}` : name;
    const abs = path.join(root, relPath);
    const stat = fs.lstatSync(abs);
    if (stat.isSymbolicLink()) out[relPath] = `link:${fs.readlinkSync(abs)}`;
    else if (stat.isDirectory()) {
      out[relPath] = "dir";
      Object.assign(out, hashTree(root, relPath));
    } else out[relPath] = `file:${createHash("sha256").update(fs.readFileSync(abs)).digest("hex")}:${(stat.mode & 0o777).toString(8)}`;
  }
  return out;
}

export function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
