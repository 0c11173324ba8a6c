#!/usr/bin/env node
// Packs the flare CLI for people without this repository.
//   node cli/pack.mjs          → dist/burstflare-cli-<version>.tgz: cli/bin + the esbuild bundle,
//                                no dependencies (npm install -g dist/burstflare-cli-*.tgz; Node >= 22.12)
//   node cli/pack.mjs --sea    → dist/flare-linux-x64: one executable with Node inside (no Node needed)
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCLI, buildSEAScript } from "./build.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(ROOT, "dist");
const root = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
/** Node's marker for the blob slot in its binary (the SEA documentation's fuse). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

async function packTarball(stage) {
  cpSync(path.join(ROOT, "cli/bin"), path.join(stage, "cli/bin"), { recursive: true });
  await buildCLI({ dist: path.join(stage, "cli/dist") });
  rmSync(path.join(stage, "cli/dist/inputs.json"));
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
      },
      null,
      2,
    )}\n`,
  );
  const file = execFileSync("npm", ["pack", "--silent", "--pack-destination", OUT], { cwd: stage, encoding: "utf8" }).trim();
  return path.join(OUT, file);
}

/** Node's single executable applications: the bundle as a blob injected into a copy of this Node. */
async function packSEA(stage) {
  if (process.platform !== "linux" || process.arch !== "x64") throw new Error("--sea builds for the Node it runs on: linux x64 only");
  const script = await buildSEAScript(path.join(stage, "flare.cjs"));
  const blob = path.join(stage, "flare.blob");
  const config = path.join(stage, "sea-config.json");
  writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
  execFileSync(process.execPath, ["--experimental-sea-config", config], { stdio: "inherit" });
  const exe = path.join(OUT, "flare-linux-x64");
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  const postject = path.join(ROOT, "node_modules/postject/dist/cli.js");
  execFileSync(process.execPath, [postject, exe, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE], { stdio: "ignore" });
  return exe;
}

const stage = mkdtempSync(path.join(os.tmpdir(), "flare-pack-"));
try {
  mkdirSync(OUT, { recursive: true });
  console.log(process.argv.includes("--sea") ? await packSEA(stage) : await packTarball(stage));
} finally {
  rmSync(stage, { recursive: true, force: true });
}
