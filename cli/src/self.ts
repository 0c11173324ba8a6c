import path from "node:path";
import { isSea } from "node:sea";
import { fileURLToPath } from "node:url";

/** How to run this CLI again (ProxyCommand lines): Node and the bin, or the single executable itself. */
export interface Self {
  node: string;
  /** Null for the single-executable build, where the executable is the whole CLI. */
  bin: string | null;
}

export function flareSelf(): Self {
  if (isSea()) return { node: process.execPath, bin: null };
  // From the bundle (cli/dist/) and from the sources (cli/src/) alike, the bin is one folder up.
  return { node: process.execPath, bin: path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bin/flare.mjs") };
}
