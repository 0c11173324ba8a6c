#!/usr/bin/env node
// A throwaway stack for e2e and stack tests: fresh state, its own ports, stopped on SIGTERM.
// Usage: node scripts/test-stack.mjs --port 8788 --runtime-port 8791 --name e2e
import { rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildWeb, ROOT, startStack } from "./lib/processes.mjs";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8788" },
    "runtime-port": { type: "string", default: "8791" },
    name: { type: "string", default: "e2e" },
    "skip-build": { type: "boolean", default: false },
  },
});

const stateDir = path.join(ROOT, ".wrangler", `${values.name}-state`);
const runtimeDir = path.join(ROOT, ".wrangler", `${values.name}-runtimes`);
rmSync(stateDir, { recursive: true, force: true });
rmSync(runtimeDir, { recursive: true, force: true });
if (!values["skip-build"]) await buildWeb();

const stack = await startStack({
  port: Number(values.port),
  runtimePort: Number(values["runtime-port"]),
  persistTo: stateDir,
  runtimeDataDir: runtimeDir,
  logDir: path.join(ROOT, ".wrangler", "logs", values.name),
  freeze: true,
  // BF_RUNTIME_DRIVER=containers: every runtime in a real container (scripts/containers).
  driver: process.env.BF_RUNTIME_DRIVER === "containers" ? "containers" : "local",
  vars: {
    SECRETS_KEY: "dGVzdC1zZWNyZXRzLWtleS0zMi1ieXRlcy1sb25nISE",
    OPERATOR_EMAILS: process.env.OPERATOR_EMAILS ?? "operator@example.com",
    ...(process.env.TEST_STACK_VARS ? JSON.parse(process.env.TEST_STACK_VARS) : {}),
  },
});
console.log(`test stack "${values.name}" ready at ${stack.baseURL}`);

const stop = async () => {
  await stack.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
