import { readdirSync } from "node:fs";
import path from "node:path";

/** Every file below `dir` that `keep` accepts, skipping node_modules and dist. */
export function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "dist") out.push(...filesUnder(full, keep));
    } else if (keep(full)) out.push(full);
  }
  return out;
}
