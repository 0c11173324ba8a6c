#!/usr/bin/env node
// Packs the flare CLI as its own npm package (dist/burstflare-cli-<version>.tgz): cli/bin, cli/src
// and the sdk/ contract it imports, keeping their relative layout, with only the runtime
// dependencies the CLI needs. Install it anywhere with Node >= 22.12:
//   node cli/pack.mjs && npm install -g dist/burstflare-cli-*.tgz && flare --help
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
const RUNTIME_DEPS = ["commander", "tar", "tsx", "ws", "zod"];

const versionOf = (name) => root.dependencies?.[name] ?? root.devDependencies?.[name];
const missing = RUNTIME_DEPS.filter((d) => !versionOf(d));
if (missing.length) throw new Error(`package.json does not list ${missing.join(", ")}`);

const stage = mkdtempSync(path.join(os.tmpdir(), "flare-pack-"));
const notTest = (src) => !/\.test\.ts$/.test(src);
try {
  cpSync(path.join(ROOT, "cli/bin"), path.join(stage, "cli/bin"), { recursive: true });
  cpSync(path.join(ROOT, "cli/src"), path.join(stage, "cli/src"), { recursive: true, filter: notTest });
  cpSync(path.join(ROOT, "sdk"), path.join(stage, "sdk"), { recursive: true, filter: notTest });
  writeFileSync(
    path.join(stage, "package.json"),
    `${JSON.stringify(
      {
        name: "burstflare-cli",
        version: root.version,
        description: "flare: the BurstFlare command line (sessions, templates, SSH)",
        type: "module",
        engines: { node: ">=22.12" },
        bin: { flare: "cli/bin/flare.mjs" },
        dependencies: Object.fromEntries(RUNTIME_DEPS.map((d) => [d, versionOf(d)])),
      },
      null,
      2,
    )}\n`,
  );
  const out = path.join(ROOT, "dist");
  mkdirSync(out, { recursive: true });
  const file = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], { cwd: stage, encoding: "utf8" }).trim();
  console.log(path.join(out, file));
} finally {
  rmSync(stage, { recursive: true, force: true });
}
