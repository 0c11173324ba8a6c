import { defineConfig } from "vitest/config";

/**
 * The runtime driver contract: the same cases against a stack on the `local` driver and on the
 * `containers` driver (BF_RUNTIME_DRIVER=containers, a real container engine per runtime).
 */
export default defineConfig({
  test: {
    name: `contract-${process.env.BF_RUNTIME_DRIVER ?? "local"}`,
    environment: "node",
    include: ["test/contract/**/*.test.ts"],
    globalSetup: ["./test/stack/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    // Cold, the containers driver builds its base and runtime images first (minutes).
    hookTimeout: 1_200_000,
  },
});
