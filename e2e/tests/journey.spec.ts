import path from "node:path";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { signUp } from "../helpers/auth";

const SCREENSHOTS = path.join(import.meta.dirname, "../output/screenshots");

/** The visible terminal's rendered rows (xterm's DOM renderer). */
const terminalRows = (page: Page): Locator => page.locator(".terminal-slot:not([hidden]) .xterm-rows");

async function run(page: Page, command: string): Promise<void> {
  await page.locator(".terminal-slot:not([hidden]) .xterm").click();
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

/** Waits for a terminal row whose whole text is `line` (so the echoed command line does not count). */
async function expectLine(page: Page, line: string | RegExp): Promise<void> {
  await expect(
    terminalRows(page)
      .locator("> div")
      .filter({ hasText: typeof line === "string" ? new RegExp(`^\\s*${line}\\s*$`) : line })
      .first(),
  ).toBeVisible();
}

test("sign up → starter session → terminal, editor and preview → stop → start keeps files → delete", async ({ page }) => {
  test.setTimeout(240_000);
  await signUp(page, undefined, { name: "Journey" });

  // Dashboard with the first-run guide.
  const guide = page.getByTestId("first-run-guide");
  await expect(guide).toBeVisible();
  await expect(page.getByTestId("quota")).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard.png") });

  // One click: a session from the built-in starter, started by the workbench.
  await guide.getByRole("button", { name: "Start your first session" }).click();
  await expect(page).toHaveURL(/\/sessions\/[^/]+\/workbench$/);
  const workbench = page.getByTestId("workbench");
  await expect(workbench).toHaveAttribute("data-session-state", "running", { timeout: 90_000 });
  const status = page.getByTestId("connection-status");
  await expect(status).toHaveText("connected");

  // Terminal.
  await run(page, "echo $((6*7))");
  await expectLine(page, "42");

  // Editor: create hello.txt, type, save with Ctrl+S.
  const tree = page.getByTestId("file-tree");
  await tree.getByRole("button", { name: "New file" }).click();
  await tree.getByLabel("New file name").fill("hello.txt");
  await tree.getByLabel("New file name").press("Enter");
  await expect(page.getByRole("tab", { name: /hello\.txt/ })).toHaveAttribute("aria-selected", "true");
  const editor = page.locator(".monaco-editor .view-lines");
  await expect(editor).toBeVisible();
  await editor.click();
  await page.keyboard.type("hello from the editor");
  await expect(page.getByTestId("dirty-marker")).toBeVisible();
  await page.keyboard.press("ControlOrMeta+s");
  await expect(page.getByTestId("dirty-marker")).toHaveCount(0);
  await expect(page.getByTestId("save-file")).toHaveText("Saved");
  await expect(tree.locator('[data-path="hello.txt"]')).toBeVisible();

  await run(page, "cat hello.txt; echo");
  await expectLine(page, "hello from the editor");

  // Preview: a server started from the terminal on the session's preview port ($PORT when the
  // runtime maps one, else the manifest's previewPort shown in the pane).
  const port = ((await page.getByTestId("preview-port").textContent()) ?? "").replace(/\D/g, "");
  expect(Number(port)).toBeGreaterThan(0);
  const marker = `journey-${Date.now().toString(36)}`;
  // The starter's own server holds the port: end it (only this session's processes are visible here).
  await run(
    page,
    `P=\${PORT:-${port}}; fuser -k -n tcp $P >/dev/null 2>&1; node -e "require('http').createServer((q,s)=>{s.setHeader('content-type','text/html');s.end('<h1 id=m>'+process.argv[2]+'</h1>')}).listen(+process.argv[1],'127.0.0.1',()=>console.log('serving-'+process.argv[2]))" $P ${marker} &`,
  );
  // Background output can land right after the prompt, so match the end of a row.
  await expectLine(page, new RegExp(`serving-${marker}\\s*$`));
  const preview = page.frameLocator('[data-testid="preview-frame"]');
  await expect(async () => {
    await page.getByTestId("preview-reload").click();
    await expect(preview.locator("#m")).toHaveText(marker, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  // The previewed app is user code: it runs on its visit's own host under the session's label
  // (`<label>-v<visit>.localhost`), never on the app's origin, with an opaque origin and no cookies of ours.
  const appHost = new URL(page.url()).host;
  const previewFrame = page.frames().find((f) => /^http:\/\/[a-z2-7]+-v[a-z2-7]{20}\.localhost:\d+\//.test(f.url()));
  expect(previewFrame, "the preview frame is on the session's preview host").toBeTruthy();
  expect(new URL(previewFrame?.url() ?? "http://x").host).not.toBe(appHost);
  expect(new URL(previewFrame?.url() ?? "http://x").pathname).toBe("/");
  expect(await previewFrame?.evaluate(() => self.origin)).toBe("null");
  expect(
    await previewFrame?.evaluate(() => {
      try {
        return document.cookie;
      } catch {
        return "blocked";
      }
    }),
  ).toBe("blocked");
  await page.screenshot({ path: path.join(SCREENSHOTS, "workbench.png") });

  // Stop, then start again: the file is still there.
  const sessionName = (await page.locator(".workbench-name").textContent()) ?? "";
  await page.getByRole("button", { name: `Stop ${sessionName}` }).click();
  await expect(workbench).toHaveAttribute("data-session-state", "stopped", { timeout: 60_000 });
  await page.getByTestId("workbench-start").click();
  await expect(workbench).toHaveAttribute("data-session-state", "running", { timeout: 90_000 });
  await expect(status).toHaveText("connected");
  await run(page, "cat hello.txt; echo");
  await expectLine(page, "hello from the editor");

  // Delete, confirmed.
  await page.getByRole("button", { name: `Delete ${sessionName}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete session" }).click();
  await expect(page).toHaveURL(/\/sessions$/);
  await expect(page.locator(`[data-session="${sessionName}"]`)).toHaveCount(0);
});
