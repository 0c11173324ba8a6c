/** Fixed loopback ports and secrets for test stacks, apart from `npm run dev`'s 8787/8790. */
export const WORKERS_TEST_RUNTIME_PORT = 8795;
export const WORKERS_TEST_RUNTIME_SECRET = "workers-test-runtime-secret";
