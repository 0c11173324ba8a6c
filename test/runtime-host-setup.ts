import { existsSync } from "node:fs";
import { WORKERS_TEST_RUNTIME_PORT, WORKERS_TEST_RUNTIME_SECRET } from "./ports";

/**
 * Starts the local runtime host for the Worker integration tests, so sessions under
 * test run real agents. Stopped by process group when the run ends.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const hostEntry = "runtime/src/host/main.ts";
  if (!existsSync(hostEntry)) return async () => {};
  const { startRuntimeHost } = await import("../scripts/lib/processes.mjs");
  const host = await startRuntimeHost({
    port: WORKERS_TEST_RUNTIME_PORT,
    secret: WORKERS_TEST_RUNTIME_SECRET,
    dataDir: `.wrangler/workers-${WORKERS_TEST_RUNTIME_PORT}-runtimes`,
  });
  return async () => host.stop();
}
