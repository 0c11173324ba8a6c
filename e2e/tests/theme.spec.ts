import { expect, test } from "@playwright/test";
import { signUp } from "../helpers/auth";

// The page background of each theme (--bg in web/src/styles.css).
const LIGHT = "rgb(245, 246, 248)";
const DARK = "rgb(13, 15, 19)";

test("the theme toggle pins light or dark, and 'system' follows the OS, across a reload", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await signUp(page);
  const body = page.locator("body");
  const theme = page.getByRole("group", { name: "Theme" });

  await theme.getByRole("button", { name: "Dark theme" }).click();
  await expect(body).toHaveCSS("background-color", DARK);
  await page.reload();
  await expect(theme.getByRole("button", { name: "Dark theme" })).toHaveAttribute("aria-pressed", "true");
  await expect(body).toHaveCSS("background-color", DARK);

  // Pinned light stays light on a dark OS.
  await page.emulateMedia({ colorScheme: "dark" });
  await theme.getByRole("button", { name: "Light theme" }).click();
  await expect(body).toHaveCSS("background-color", LIGHT);

  await theme.getByRole("button", { name: "Follow system theme" }).click();
  await expect(body).toHaveCSS("background-color", DARK);
  await page.emulateMedia({ colorScheme: "light" });
  await expect(body).toHaveCSS("background-color", LIGHT);
});
