import { configDefaults, defineConfig } from "vitest/config";

/**
 * Tests against a real local stack (wrangler dev + runtime host + real agents, PTYs and
 * ssh clients), started once by test/stack/global-setup.ts on its own ports.
 * `npm run test:security:containers` runs test/security with BF_RUNTIME_DRIVER=containers.
 */

/**
 * Left out of the containers run: member groups (cgroup-based revocation of a member's detached
 * processes, runtime/src/agent/exec/member-groups.ts) exist on the local driver only so far
 * (docs/security.md §5), and this file tests them.
 */
const localOnly = process.env.BF_RUNTIME_DRIVER === "containers" ? ["test/security/revocation-detached.test.ts"] : [];
export default defineConfig({
  test: {
    name: "stack",
    environment: "node",
    include: ["test/stack/**/*.test.ts", "test/security/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...localOnly],
    globalSetup: ["./test/stack/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
