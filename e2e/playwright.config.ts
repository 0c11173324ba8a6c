import { defineConfig } from "@playwright/test";
import { E2E_PORT, E2E_RUNTIME_PORT } from "../test/ports";

export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;

export default defineConfig({
  testDir: "./tests",
  outputDir: "./output/test-results",
  fullyParallel: false,
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { outputFolder: "./output/report", open: "never" }]],
  use: {
    baseURL: E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? "/usr/bin/chromium",
      args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  webServer: {
    command: `node scripts/test-stack.mjs --name e2e-${E2E_PORT} --port ${E2E_PORT} --runtime-port ${E2E_RUNTIME_PORT}`,
    cwd: "..",
    url: `${E2E_BASE_URL}/api/health`,
    reuseExistingServer: false,
    // The containers driver may (re)build the runtime image before the stack answers.
    timeout: process.env.BF_RUNTIME_DRIVER === "containers" ? 900_000 : 180_000,
    stdout: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
  },
});
