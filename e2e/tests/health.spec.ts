import { bindingNames } from "@burstflare/sdk/schemas/health";
import { expect, test } from "@playwright/test";

test("the SPA shell shows live platform health from /api/health", async ({ page }) => {
  await page.goto("/status");
  await expect(page.getByRole("link", { name: /BurstFlare/ })).toBeVisible();
  await expect(page.getByTestId("health-status")).toHaveText(/All systems go/);
  const bindings = page.getByTestId("binding-list").locator("li");
  // One row per binding the health contract names, each reported healthy.
  await expect(bindings).toHaveCount(bindingNames.length);
  for (const name of bindingNames) {
    await expect(page.locator(`[data-binding="${name}"]`)).toHaveAttribute("data-ok", "true");
  }
});
