#!/usr/bin/env node
/**
 * What CI runs last (`npm run test:smoke`): a fresh local stack on http://localhost:8787, then
 * exactly `node scripts/smoke.mjs --base-url http://localhost:8787` against it (the operator
 * account comes from BURSTFLARE_OPERATOR_EMAIL, named in the stack's OPERATOR_EMAILS and proven with
 * the stack's one-time bootstrap code, BURSTFLARE_BOOTSTRAP_CODE), then the
 * stack is stopped. BF_SMOKE_PORT moves it off 8787 when a dev stack already runs there.
 */
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { buildWeb, ROOT, removeRuntimeDataDir, startStack } from "./lib/processes.mjs";

const port = Number(process.env.BF_SMOKE_PORT ?? 8787);
const runtimePort = port + 3;
const operatorEmail = "smoke-operator@example.com";
const stateDir = path.join(ROOT, ".wrangler", `ci-smoke-${port}-state`);
const runtimeDir = path.join(ROOT, ".wrangler", `ci-smoke-${port}-runtimes`);

rmSync(stateDir, { recursive: true, force: true });
removeRuntimeDataDir(runtimeDir);
if (!existsSync(path.join(ROOT, "dist/web/index.html"))) await buildWeb();

const stack = await startStack({
  port,
  runtimePort,
  persistTo: stateDir,
  runtimeDataDir: runtimeDir,
  logDir: path.join(ROOT, ".wrangler", "logs", `ci-smoke-${port}`),
  freeze: true,
  // BF_RUNTIME_DRIVER=containers: the same journey with every runtime in a real container.
  driver: process.env.BF_RUNTIME_DRIVER === "containers" ? "containers" : "local",
  vars: {
    SECRETS_KEY: "dGVzdC1zZWNyZXRzLWtleS0zMi1ieXRlcy1sb25nISE",
    OPERATOR_EMAILS: operatorEmail,
  },
});

let code = 1;
try {
  code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts/smoke.mjs"), "--base-url", `http://localhost:${port}`], {
      cwd: ROOT,
      env: { ...process.env, BURSTFLARE_OPERATOR_EMAIL: operatorEmail, BURSTFLARE_BOOTSTRAP_CODE: stack.bootstrapCode },
      stdio: "inherit",
    });
    child.on("close", (c) => resolve(c ?? 1));
  });
} finally {
  await stack.stop();
}
if (code !== 0) console.error(`smoke failed; stack logs in .wrangler/logs/ci-smoke-${port}/`);
process.exit(code);
