import { defineConfig } from "vitest/config";

/**
 * Tests against a real local stack (wrangler dev + runtime host + real agents, PTYs and
 * ssh clients), started once by test/stack/global-setup.ts on its own ports.
 * `npm run test:security:containers` runs test/security with BF_RUNTIME_DRIVER=containers.
 */
export default defineConfig({
  test: {
    name: "stack",
    environment: "node",
    include: ["test/stack/**/*.test.ts", "test/security/**/*.test.ts"],
    globalSetup: ["./test/stack/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
