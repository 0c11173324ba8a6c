#!/usr/bin/env node
// A throwaway stack for e2e and stack tests: fresh state, its own ports, stopped on SIGTERM.
// Usage: node scripts/test-stack.mjs --port 8788 --runtime-port 8791 --name e2e
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildWeb, ROOT, removeRuntimeDataDir, startStack } from "./lib/processes.mjs";
import { signUpStackOperator } from "./lib/stack-operator.mjs";

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
removeRuntimeDataDir(runtimeDir);
rmSync(`${stateDir}-operator.json`, { force: true });
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
    // Operator seeding routes: e2e fixtures (templates) go through them, never SQL.
    OPERATOR_SEEDING: "1",
    ...(process.env.TEST_STACK_VARS ? JSON.parse(process.env.TEST_STACK_VARS) : {}),
  },
});
// The stack's operator, signed up with the bootstrap code; its API token is left beside the stack's
// state (owner-only) for e2e fixtures (e2e/helpers/operator.ts).
const operatorEmail = (process.env.OPERATOR_EMAILS ?? "operator@example.com").split(",")[0].trim();
try {
  const operator = await signUpStackOperator(stack.baseURL, { email: operatorEmail, bootstrapCode: stack.bootstrapCode });
  writeFileSync(`${stateDir}-operator.json`, JSON.stringify(operator), { mode: 0o600 });
} catch (err) {
  await stack.stop();
  throw err;
}
console.log(`test stack "${values.name}" ready at ${stack.baseURL}`);

const stop = async () => {
  await stack.stop();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
