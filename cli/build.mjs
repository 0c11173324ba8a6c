#!/usr/bin/env node
// Bundles the flare CLI with esbuild into cli/dist/: one minified entry plus lazily loaded
// chunks (`node cli/build.mjs`; `npm install` runs it). The entry module flare.mjs is written
// last, so a concurrent reader sees a whole build or the previous one. cli/bin/flare.mjs runs the bundle, and in
// a checkout rebuilds it first when a source it was built from changed.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = path.join(ROOT, "cli/dist");
const ENTRY = path.join(ROOT, "cli/src/entry.ts");
/** Chunks of earlier builds stay this long, for CLIs still running that may import them lazily. */
const OLD_CHUNK_MS = 24 * 3600 * 1000;

// Node built-ins used by bundled CommonJS code (commander, tar, ws) need a real require in ESM.
const REQUIRE_SHIM = "import{createRequire as __flareRequire}from'node:module';const require=__flareRequire(import.meta.url);";

/** Builds the bundle into `dist` (cli/dist by default); returns its entry module. */
export async function buildCLI({ dist = DIST } = {}) {
  const { build } = await import("esbuild");
  mkdirSync(dist, { recursive: true });
  const staging = path.join(dist, `.build-${process.pid}-${Date.now()}`);
  const startedAt = Date.now();
  try {
    const result = await build({
      entryPoints: { "flare-main": ENTRY },
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node22",
      minify: true,
      outdir: staging,
      chunkNames: "chunk-[hash]",
      entryNames: "[name]-[hash]",
      banner: { js: REQUIRE_SHIM },
      // ws loads these optional native speed-ups when present; the CLI does without them.
      external: ["bufferutil", "utf-8-validate"],
      metafile: true,
      logLevel: "warning",
      legalComments: "none",
    });
    const files = readdirSync(staging);
    const entryFile = files.find((f) => f.startsWith("flare-main-"));
    if (!entryFile) throw new Error("esbuild wrote no entry");
    for (const f of files) renameSync(path.join(staging, f), path.join(dist, f));
    const inputs = Object.keys(result.metafile.inputs)
      .filter((f) => !f.includes("node_modules"))
      .map((f) => path.relative(ROOT, path.resolve(process.cwd(), f)));
    inputs.push("package-lock.json");
    writeFileSync(path.join(dist, "inputs.json"), `${JSON.stringify({ builtAt: startedAt, inputs })}\n`);
    const entry = path.join(dist, "flare.mjs");
    const tmp = `${entry}.${process.pid}.tmp`;
    writeFileSync(tmp, `import{runFlare}from"./${entryFile}";await runFlare(process.argv.slice(2));\n`);
    renameSync(tmp, entry);
    removeOldChunks(dist, new Set(files));
    return entry;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The whole CLI as one CommonJS file for a Node single executable (SEA main scripts cannot be
 * ES modules or load other files).
 */
export async function buildSEAScript(outfile) {
  const { build } = await import("esbuild");
  await build({
    entryPoints: [path.join(ROOT, "cli/src/sea-main.ts")],
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node22",
    minify: true,
    outfile,
    external: ["bufferutil", "utf-8-validate"],
    // import.meta.url is read only outside a single executable (cli/src/self.ts).
    logOverride: { "empty-import-meta": "silent" },
    logLevel: "warning",
    legalComments: "none",
  });
  return outfile;
}

function removeOldChunks(dist, keep) {
  for (const f of readdirSync(dist)) {
    if (keep.has(f) || !/^(chunk|flare-main)-.*\.js$/.test(f)) continue;
    const file = path.join(dist, f);
    if (Date.now() - statSync(file).mtimeMs > OLD_CHUNK_MS) rmSync(file, { force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = await buildCLI();
  console.log(`built ${path.relative(ROOT, file)}`);
}
