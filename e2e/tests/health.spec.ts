import { expect, test } from "@playwright/test";

test("the SPA shell shows live platform health from /api/health", async ({ page }) => {
  await page.goto("/status");
  await expect(page.getByRole("link", { name: /BurstFlare/ })).toBeVisible();
  await expect(page.getByTestId("health-status")).toHaveText(/All systems go/);
  const bindings = page.getByTestId("binding-list").locator("li");
  await expect(bindings).toHaveCount(9);
  for (const name of [
    "DB",
    "KV",
    "BUCKET",
    "BUILD_QUEUE",
    "RECONCILE_QUEUE",
    "BUILD_WORKFLOW",
    "SESSION",
    "WORKSPACE_CONTAINER",
    "WORKSPACE_EVENTS",
  ]) {
    await expect(page.locator(`[data-binding="${name}"]`)).toHaveAttribute("data-ok", "true");
  }
});
