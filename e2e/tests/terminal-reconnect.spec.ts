import { expect, type Page, test } from "@playwright/test";
import { signUp } from "../helpers/auth";

async function run(page: Page, command: string): Promise<void> {
  await page.locator(".terminal-slot:not([hidden]) .xterm").click();
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

const line = (page: Page, text: string) =>
  page
    .locator(".terminal-slot:not([hidden]) .xterm-rows > div")
    .filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) })
    .first();

test("a dropped terminal connection comes back by itself with its earlier output on screen", async ({ page, context }) => {
  test.setTimeout(180_000);
  await signUp(page);
  await page.getByRole("button", { name: "Start your first session" }).click();
  const status = page.getByTestId("connection-status");
  await expect(status).toHaveText("connected", { timeout: 90_000 });

  await run(page, "echo before-$((40+2))-drop");
  await expect(line(page, "before-42-drop")).toBeVisible();

  await context.setOffline(true);
  await expect(status).toHaveText("offline");
  await context.setOffline(false);
  await expect(status).toHaveText("connected");

  // The agent replays the terminal's recent output; the view was reset first, so it shows once.
  await expect(line(page, "before-42-drop")).toBeVisible();
  await expect(page.locator(".terminal-slot:not([hidden]) .xterm-rows > div").filter({ hasText: /^\s*before-42-drop\s*$/ })).toHaveCount(1);

  // And the new connection carries input again.
  await run(page, "echo after-$((1+1))");
  await expect(line(page, "after-2")).toBeVisible();
});
