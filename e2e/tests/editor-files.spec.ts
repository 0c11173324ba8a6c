import { expect, type Page, test } from "@playwright/test";
import { signUp } from "../helpers/auth";

/**
 * The editor in real Chromium against the real stack: a file another member names like
 * `src/main.ts` percent-encoded keeps its own Monaco model, and a name with a bidi override shows
 * it. The files are written through the files API, as another member's tool would.
 */

const MAIN = "const main = 1;\n";
const DECOY = "const decoy = 2;\n";
const SPOOF = "invoice\u202Egpj.js";

/** Calls the session's files API as the SPA does (session cookie and the CSRF double submit). */
async function filesApi(page: Page, sessionId: string, method: "GET" | "PUT" | "POST", route: string, data?: string) {
  const csrf = (await page.context().cookies()).find((c) => c.name === "bf_csrf")?.value ?? "";
  const res = await page.request.fetch(`/runtime/sessions/${sessionId}/files/${route}`, {
    method,
    headers: { "x-csrf-token": csrf, "content-type": method === "POST" ? "application/json" : "application/octet-stream" },
    data,
  });
  expect(res.ok(), `${method} ${route}`).toBe(true);
  return res.text();
}
const content = (path: string) => `content?${new URLSearchParams({ path })}`;

test("files whose names Monaco's URI parsing once merged keep their own text; a bidi override shows as an escape", async ({ page }) => {
  test.setTimeout(240_000);
  await signUp(page, undefined, { name: "Editor" });
  await page.getByTestId("first-run-guide").getByRole("button", { name: "Start your first session" }).click();
  await expect(page).toHaveURL(/\/sessions\/[^/]+\/workbench$/);
  const sessionId = page.url().split("/sessions/")[1]?.split("/")[0] ?? "";
  await expect(page.getByTestId("workbench")).toHaveAttribute("data-session-state", "running", { timeout: 90_000 });

  await filesApi(page, sessionId, "POST", "mkdir", JSON.stringify({ path: "src" }));
  await filesApi(page, sessionId, "PUT", content("src/main.ts"), MAIN);
  await filesApi(page, sessionId, "PUT", content("src%2Fmain.ts"), DECOY);
  await filesApi(page, sessionId, "PUT", content(SPOOF), "alert(1)\n");
  await page.reload();

  const tree = page.getByTestId("file-tree");
  const spoofRow = tree.locator(`[data-path="${SPOOF}"]`);
  await expect(spoofRow).toHaveText("invoice\\u202Egpj.js");
  await expect(spoofRow.locator(".hidden-char")).toHaveText("\\u202E");

  const lines = page.locator(".monaco-editor .view-lines");
  const tab = (path: string) => page.locator(`.tab[title="${path}"] .tab-btn`);
  /** Shows a file (from the tree the first time, its tab afterwards) and waits for its text. */
  const show = async (path: string, text: string) => {
    if (await tab(path).count()) await tab(path).click();
    else await tree.locator(`[data-path="${path}"] .tree-item`).click();
    await expect(tab(path)).toHaveAttribute("aria-selected", "true");
    await expect(lines).toHaveText(text.trimEnd().replace(/ /g, "\u00a0"));
  };
  await tree.locator('[data-path="src"] .tree-item').click();
  await show("src/main.ts", MAIN);
  await show("src%2Fmain.ts", DECOY);
  await show("src/main.ts", MAIN);
  await lines.click();
  await page.keyboard.press("ControlOrMeta+Home");
  await page.keyboard.type("X");
  await show("src%2Fmain.ts", DECOY);
  await show("src/main.ts", `X${MAIN}`);
  // Undo in src/main.ts takes back its own X; with one shared model it brought back the other file's text.
  await lines.click();
  await page.keyboard.press("ControlOrMeta+z");
  await expect(lines).toHaveText(MAIN.trimEnd().replace(/ /g, "\u00a0"));
  await page.keyboard.type("Y");
  await page.keyboard.press("ControlOrMeta+s");
  await expect(page.getByTestId("save-file")).toHaveText("Saved");

  expect((await filesApi(page, sessionId, "GET", content("src/main.ts"))).replace("Y", "")).toBe(MAIN);
  expect(await filesApi(page, sessionId, "GET", content("src%2Fmain.ts"))).toBe(DECOY);
});
