import { type BrowserContext, chromium } from "@playwright/test";
import { afterAll } from "vitest";

/**
 * Chromium for a test file (the system's, or PLAYWRIGHT_CHROMIUM_EXECUTABLE), launched at once so
 * it starts while the file's beforeAll makes its sessions, and closed after the file's tests.
 * Returns how to open a fresh browser context (a cookie jar of its own).
 */
export function launchChromium(): () => Promise<BrowserContext> {
  const executablePath = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? "/usr/bin/chromium";
  const browser = chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-background-networking", "--no-first-run"] });
  afterAll(async () => (await browser).close());
  return async () => (await browser).newContext();
}
