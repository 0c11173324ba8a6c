import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { create } from "tar";

/** The smoke template's files: a marker the terminal step reads back and nothing else. */
export const SMOKE_MARKER = "burstflare-smoke-bundle";

/**
 * A tiny template bundle (.tar.gz) built from a scratch folder that is removed at once; the
 * archive itself is collected in memory.
 */
export async function smokeBundle() {
  const dir = mkdtempSync(path.join(tmpdir(), "bf-smoke-"));
  try {
    writeFileSync(path.join(dir, "smoke.txt"), `${SMOKE_MARKER}\n`);
    writeFileSync(path.join(dir, "README.md"), "# BurstFlare smoke template\n");
    const chunks = [];
    const stream = create({ gzip: true, cwd: dir, portable: true }, ["smoke.txt", "README.md"]);
    for await (const chunk of stream) chunks.push(chunk);
    return new Uint8Array(Buffer.concat(chunks));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
