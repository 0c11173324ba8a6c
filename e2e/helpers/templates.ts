import { expect, type Page } from "@playwright/test";

/**
 * Creates a template named `name` with the Templates page's "New template" dialog (the page must
 * be open) and returns the new template's URL, where its "New version" form waits.
 */
export async function createTemplateInUI(page: Page, name: string): Promise<string> {
  await page.getByRole("button", { name: "New template" }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create template" }).click();
  await expect(page).toHaveURL(/\/templates\/tpl_/);
  return page.url();
}
