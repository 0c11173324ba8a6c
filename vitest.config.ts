import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import react from "@vitejs/plugin-react";
import { configDefaults, defineConfig } from "vitest/config";
import { WORKERS_TEST_RUNTIME_PORT, WORKERS_TEST_RUNTIME_SECRET } from "./test/ports";

const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          // Each package's tests live in <pkg>/test/, a tree that mirrors its sources (docs/architecture.md).
          include: ["sdk/test/**/*.test.ts", "runtime/test/**/*.test.ts", "cli/test/**/*.test.ts", "scripts/test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "runtime/test/integration/**"],
          testTimeout: 30_000,
        },
      },
      {
        // The runtime's integration tests: real agents, the sandboxed host, PTYs, ssh and tar.
        test: {
          name: "runtime",
          environment: "node",
          include: ["runtime/test/integration/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: migrations,
                LOCAL_RUNTIME_URL: `http://127.0.0.1:${WORKERS_TEST_RUNTIME_PORT}`,
                LOCAL_RUNTIME_SECRET: WORKERS_TEST_RUNTIME_SECRET,
                SECRETS_KEY: "dGVzdC1zZWNyZXRzLWtleS0zMi1ieXRlcy1sb25nISE",
                OPERATOR_EMAILS: "operator@example.com",
                // Set by `npm run api:routes` so api/test/api-routes.test.ts prints the fresh table.
                API_ROUTES_DUMP: process.env.API_ROUTES_DUMP ?? "",
              },
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["api/test/**/*.test.ts"],
          setupFiles: ["./api/test/setup.ts"],
          globalSetup: ["./test/runtime-host-setup.ts"],
          testTimeout: 60_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: "web",
          environment: "jsdom",
          include: ["web/test/**/*.test.{ts,tsx}"],
        },
      },
    ],
  },
});
