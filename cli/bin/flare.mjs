#!/usr/bin/env node
// The `flare` executable. It runs the esbuild bundle in cli/dist (built by `npm install` or
// `node cli/build.mjs`); in a checkout it rebuilds the bundle first when a source changed, and
// without esbuild it falls back to running the TypeScript sources through tsx.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(
    `flare needs Node.js >= 22.12 (this is ${process.version}).\n` +
      "  fix: run it with the repo's Node (`npx flare …`) or install Node 22 and put it first on PATH.\n",
  );
  process.exit(1);
}

import { existsSync, readFileSync, statSync } from "node:fs";
import module from "node:module";
import { fileURLToPath } from "node:url";

// V8's code cache on disk: the bundle is parsed once per version, not on every ssh connection.
module.enableCompileCache?.();

const bundle = new URL("../dist/flare.mjs", import.meta.url);
const checkout = existsSync(new URL("../build.mjs", import.meta.url));
const fromSource = process.env.FLARE_FROM_SOURCE === "1";

/** Checked here, without loading the builder: every source the bundle was built from is older. */
function bundleIsFresh() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL("../dist/inputs.json", import.meta.url), "utf8"));
    const root = fileURLToPath(new URL("../../", import.meta.url));
    return existsSync(bundle) && inputs.every((f) => statSync(root + f).mtimeMs < builtAt);
  } catch {
    return false;
  }
}

let useBundle = !fromSource && existsSync(bundle);
if (checkout && !fromSource && !bundleIsFresh()) {
  try {
    const { buildCLI } = await import("../build.mjs");
    await buildCLI();
    useBundle = true;
  } catch (err) {
    process.stderr.write(`flare: could not rebuild the CLI bundle (${err.message}); running from source\n`);
    useBundle = false;
  }
}

if (useBundle) {
  await import(bundle.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { runFlare } = await import("../src/entry.ts");
  await runFlare(process.argv.slice(2));
}
