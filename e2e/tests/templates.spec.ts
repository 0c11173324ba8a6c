import { randomBytes } from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { targz } from "../../api/test/helpers/tar";
import { signUp } from "../helpers/auth";
import { createTemplateInUI } from "../helpers/templates";

async function bundle(entries: Parameters<typeof targz>[0]): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  return { name: "bundle.tar.gz", mimeType: "application/gzip", buffer: Buffer.from(await targz(entries)) };
}

/** Fills the new-version form on a template's page; the file goes in through the drop zone's input. */
async function submitVersion(page: Page, version: string, manifest: object, file: Awaited<ReturnType<typeof bundle>>) {
  const form = page.getByRole("form", { name: "New version" });
  await form.getByLabel("Version").fill(version);
  await form.getByLabel("Manifest").fill(JSON.stringify(manifest, null, 2));
  await page.getByTestId("bundle-input").setInputFiles(file);
  await expect(page.getByTestId("bundle-dropzone")).toContainText("bundle.tar.gz");
  await form.getByRole("button", { name: /upload/i }).click();
}

test("template → version upload with progress → live build log → promote → rollback; unsafe bundle refused", async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page);

  await page.getByRole("link", { name: "Templates", exact: true }).click();
  await expect(page.getByTestId("templates-table")).toContainText("Node starter");
  const templateURL = await createTemplateInUI(page, "e2e-web");

  // Manifest mistakes are shown field by field before anything is sent.
  const form = page.getByRole("form", { name: "New version" });
  await form.getByLabel("Version").fill("0.0.1");
  await form.getByLabel("Manifest").fill('{"persistedPaths": ["/etc"], "previewPort": 80}');
  await form.getByRole("button", { name: /upload/i }).click();
  await expect(page.getByTestId("manifest-error").first()).toContainText("persistedPaths.0");
  await expect(page.getByTestId("manifest-error").nth(1)).toContainText("previewPort");

  // A bundle with a path out of the tree is refused by name; a corrected one goes through on the same version.
  const manifest = {
    persistedPaths: ["."],
    build: "echo e2e-build-output && mkdir -p dist && echo built > dist/index.html",
    previewPort: 3000,
  };
  await submitVersion(page, "1.0.0", manifest, await bundle([{ name: "../escape.txt", content: "x" }]));
  await expect(page.getByTestId("upload-error")).toContainText('path escapes the archive with ".."');
  // Incompressible bytes so the upload takes long enough to show its progress bar.
  await page.getByTestId("bundle-input").setInputFiles(
    await bundle([
      { name: "package.json", content: '{"name":"e2e-web"}' },
      { name: "assets/blob.bin", content: randomBytes(4 * 1024 * 1024) },
    ]),
  );
  const progress = page.getByRole("progressbar", { name: "Upload progress" }).waitFor();
  await form.getByRole("button", { name: "Upload corrected bundle" }).click();
  await progress;

  // The build page follows the log live and settles on succeeded.
  await expect(page).toHaveURL(/\/builds\/bld_/);
  await expect(page.getByTestId("build-log")).toContainText("e2e-build-output", { timeout: 60_000 });
  await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(page.getByRole("link", { name: "Download artifact" })).toBeVisible();

  // Promote with confirmation.
  await page.goto(templateURL);
  const v1 = page.locator('tr[data-version="1.0.0"]');
  await v1.getByRole("button", { name: "Promote" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Promote" }).click();
  await expect(page.getByTestId("active-version")).toHaveText("1.0.0");
  await expect(v1).toContainText("Promoted");

  // A second version, promoted, then rolled back.
  await submitVersion(page, "1.1.0", { persistedPaths: ["."], build: "echo second" }, await bundle([{ name: "a.txt", content: "a" }]));
  // The template page shows 1.0.0's badge too; wait for the new build's own page before reading a status.
  await expect(page).toHaveURL(/\/builds\/bld_/);
  await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await page.goto(templateURL);
  await page.locator('tr[data-version="1.1.0"]').getByRole("button", { name: "Promote" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Promote" }).click();
  await expect(page.getByTestId("active-version")).toHaveText("1.1.0");
  await page.getByRole("button", { name: "Roll back to 1.0.0" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Roll back" }).click();
  await expect(page.getByTestId("active-version")).toHaveText("1.0.0");
  await expect(page.getByTestId("releases").locator("li").first()).toContainText("Rolled back to 1.0.0");

  // Build list with status filters.
  await page.getByRole("link", { name: "Builds", exact: true }).click();
  await expect(page.getByTestId("builds-table").locator("tr[data-build]")).toHaveCount(2);
  await page.getByTestId("build-filters").getByRole("tab", { name: "Failed" }).click();
  await expect(page).toHaveURL(/status=failed/);
  await expect(page.getByText("No failed builds")).toBeVisible();
  await page.getByTestId("build-filters").getByRole("tab", { name: "Succeeded" }).click();
  await expect(page.getByTestId("builds-table").locator("tr[data-build]")).toHaveCount(2);
});
