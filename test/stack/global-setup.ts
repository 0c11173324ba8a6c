import path from "node:path";
import type { TestProject } from "vitest/node";
import { STACK_PORT, STACK_RUNTIME_PORT, TEST_RUN_TAG } from "../ports";

function runtimeDriver(): "local" | "containers" {
  const driver = process.env.BF_RUNTIME_DRIVER ?? "local";
  if (driver !== "local" && driver !== "containers") throw new Error(`BF_RUNTIME_DRIVER must be local or containers, not ${driver}`);
  return driver;
}

/** One fresh stack for all stack tests; stopped by process group afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { startStack, buildWeb, ROOT } = await import("../../scripts/lib/processes.mjs");
  const { rmSync, existsSync } = await import("node:fs");
  const state = path.join(ROOT, `.wrangler/stack-${TEST_RUN_TAG}-state`);
  const runtimes = path.join(ROOT, `.wrangler/stack-${TEST_RUN_TAG}-runtimes`);
  rmSync(state, { recursive: true, force: true });
  rmSync(runtimes, { recursive: true, force: true });
  if (!existsSync(path.join(ROOT, "dist/web/index.html"))) await buildWeb();
  const stack = await startStack({
    port: STACK_PORT,
    runtimePort: STACK_RUNTIME_PORT,
    persistTo: state,
    runtimeDataDir: runtimes,
    logDir: path.join(ROOT, `.wrangler/logs/stack-${TEST_RUN_TAG}`),
    freeze: true,
    // BF_RUNTIME_DRIVER=containers runs the same stack with every runtime in a container.
    driver: runtimeDriver(),
    vars: {
      SECRETS_KEY: "dGVzdC1zZWNyZXRzLWtleS0zMi1ieXRlcy1sb25nISE",
      OPERATOR_EMAILS: "operator@example.com",
      // Enables deterministic fault injection (api/src/builds/test-hooks.ts); never set outside tests.
      BF_TEST_HOOKS: "1",
    },
  });
  project.provide("baseURL", stack.baseURL);
  project.provide("runtimeSecret", stack.runtimeSecret);
  project.provide("runtimeDriver", runtimeDriver());
  return async () => stack.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    runtimeSecret: string;
    runtimeDriver: "local" | "containers";
  }
}
