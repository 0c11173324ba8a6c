/**
 * Loopback ports for test stacks, apart from `npm run dev`'s 8787/8790. Set
 * BF_TEST_PORT_BASE to run two test suites side by side on one machine.
 */
const base = Number(process.env.BF_TEST_PORT_BASE ?? 8788);

export const E2E_PORT = base;
export const STACK_PORT = base + 1;
export const E2E_RUNTIME_PORT = base + 3;
export const STACK_RUNTIME_PORT = base + 4;
export const WORKERS_TEST_RUNTIME_PORT = base + 7;
export const WORKERS_TEST_RUNTIME_SECRET = "workers-test-runtime-secret";
/** Distinguishes state folders of side-by-side runs. */
export const TEST_RUN_TAG = String(base);
