#!/usr/bin/env node
// `npm run dev`: the whole product on http://localhost:8787 — D1 migrations, the SPA
// (rebuilt on change), the local runtime host and wrangler dev. Ctrl-C stops everything.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { bootstrapBanner } from "./lib/bootstrap-code.mjs";
import { buildWeb, ROOT, spawnGroup, startStack } from "./lib/processes.mjs";

const { values: flags } = parseArgs({ options: { driver: { type: "string" }, port: { type: "string" } } });
const port = Number(flags.port ?? process.env.PORT ?? 8787);
const runtimePort = Number(process.env.RUNTIME_PORT ?? port + 3);
// `--driver containers` (or RUNTIME_DRIVER=containers): every session in a container built from
// runtime/Dockerfile, under a local dockerd that scripts/containers/engine.mjs prepares.
const driver = flags.driver ?? process.env.RUNTIME_DRIVER ?? "local";
if (driver !== "local" && driver !== "containers") {
  console.error(`unknown driver ${driver}: use local or containers`);
  process.exit(2);
}

// Secrets for local dev live in .dev.vars (git-ignored) so encrypted data survives restarts.
const devVarsPath = path.join(ROOT, ".dev.vars");
if (!existsSync(devVarsPath)) {
  writeFileSync(devVarsPath, `SECRETS_KEY=${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
}
const devVars = Object.fromEntries(
  readFileSync(devVarsPath, "utf8")
    .split("\n")
    .filter((l) => l.includes("=") && !l.startsWith("#"))
    .map((l) => [l.slice(0, l.indexOf("=")).trim(), l.slice(l.indexOf("=") + 1).trim()]),
);

const passthrough = ["OPERATOR_EMAILS", "OPERATOR_SEEDING", "SIGNUP_POLICY", "TURNSTILE_SECRET_KEY", "TURNSTILE_VERIFY_URL"];
const vars = { SECRETS_KEY: devVars.SECRETS_KEY };
for (const name of passthrough) if (process.env[name] !== undefined) vars[name] = process.env[name];

console.log("BurstFlare: building the SPA…");
await buildWeb();
const watcher = spawnGroup(path.join(ROOT, "node_modules/.bin/vite"), ["build", "--watch", "--logLevel", "warn"], {
  label: "vite build --watch",
  logFile: path.join(ROOT, ".wrangler/logs/vite.log"),
});

console.log(
  driver === "containers"
    ? "BurstFlare: starting the container engine, building the runtime image and wrangler dev…"
    : "BurstFlare: starting the runtime host and wrangler dev…",
);
let stack;
try {
  stack = await startStack({ port, runtimePort, vars, driver, logDir: path.join(ROOT, ".wrangler/logs") });
} catch (err) {
  console.error(`BurstFlare failed to start: ${err.message}\nLogs: .wrangler/logs/`);
  await watcher.stop();
  process.exit(1);
}

console.log(`
  BurstFlare is running.

    App        ${stack.baseURL}  (runtime driver: ${driver})
    Health     ${stack.baseURL}/api/health
    API docs   ${stack.baseURL}/api/openapi.json
    Logs       .wrangler/logs/ (wrangler.log, runtime-host.log, vite.log)

${bootstrapBanner(stack.bootstrapCode, stack.bootstrapExpiresAt, stack.baseURL)}

  Press Ctrl-C to stop.
`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  console.log("\nBurstFlare: stopping…");
  await Promise.all([stack.stop(), watcher.stop()]);
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
