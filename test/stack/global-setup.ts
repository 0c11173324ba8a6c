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
  const { startStack, buildWeb, removeRuntimeDataDir, ROOT } = await import("../../scripts/lib/processes.mjs");
  const { rmSync, existsSync } = await import("node:fs");
  const state = path.join(ROOT, `.wrangler/stack-${TEST_RUN_TAG}-state`);
  const runtimes = path.join(ROOT, `.wrangler/stack-${TEST_RUN_TAG}-runtimes`);
  rmSync(state, { recursive: true, force: true });
  removeRuntimeDataDir(runtimes);
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
      // The second address is listed but nobody proves it: test/security/identity.test.ts registers it as an attacker.
      OPERATOR_EMAILS: "operator@example.com,second-operator@example.com",
      // Production's default; accounts are admitted by the operator's sign-up invites.
      SIGNUP_POLICY: "invite-only",
      // Enables deterministic fault injection (api/src/builds/test-hooks.ts); never set outside tests.
      BF_TEST_HOOKS: "1",
      // Operator seeding routes (api/src/admin/routes/seed.ts): every fixture is made through them.
      OPERATOR_SEEDING: "1",
    },
  });
  project.provide("baseURL", stack.baseURL);
  project.provide("runtimeSecret", stack.runtimeSecret);
  try {
    // Made as a deployer makes theirs: a passkey sign-up with the bootstrap code; no SQL grants operator rights.
    const { signUpStackOperator } = await import("../../scripts/lib/stack-operator.mjs");
    project.provide(
      "operator",
      await signUpStackOperator(stack.baseURL, { email: "operator@example.com", bootstrapCode: stack.bootstrapCode }),
    );
  } catch (err) {
    await stack.stop();
    throw err;
  }
  // Handed on only so test/security/identity.test.ts can try to replay it.
  project.provide("bootstrapCode", stack.bootstrapCode);
  project.provide("runtimeDriver", runtimeDriver());
  return async () => stack.stop();
}

export interface ProvidedOperator {
  userId: string;
  email: string;
  workspaceId: string;
  token: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    runtimeSecret: string;
    /** The stack's operator (signed up with the bootstrap code); an API token valid for a day. */
    operator: ProvidedOperator;
    /** Already redeemed by the setup; only for replay tests. */
    bootstrapCode: string;
    runtimeDriver: "local" | "containers";
  }
}
