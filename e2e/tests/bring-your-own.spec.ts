import type { ChildProcess } from "node:child_process";
import { expect, type Page, test } from "@playwright/test";
import { targz } from "../../api/test/helpers/tar";
import { netnsPid, privateRepo, serveInSession } from "../../test/stack/helpers/git-fixtures";
import { signUp } from "../helpers/auth";

const TOKEN = `tok_${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
const GIT_PORT = 9428;

const DEVCONTAINER = `// a project's .devcontainer/devcontainer.json
{
  "name": "BYO app",
  "image": "mcr.microsoft.com/devcontainers/javascript-node:22",
  "forwardPorts": [4500],
  "portsAttributes": { "4500": { "label": "Web app" } },
  "postCreateCommand": "echo made-by-postcreate > postcreate.txt",
  "postStartCommand": "nohup node -e \\"require('http').createServer((q, r) => r.end('byo')).listen(4500, '127.0.0.1')\\" > /dev/null 2>&1 &",
}
`;

/** The SPA's own way to call the API: cookie plus the double-submit CSRF token. */
async function call(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = document.cookie
        .split("; ")
        .find((c) => c.startsWith("bf_csrf="))
        ?.slice("bf_csrf=".length);
      const res = await fetch(path, {
        method,
        headers: { "content-type": "application/json", ...(csrf ? { "x-csrf-token": csrf } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: await res.json().catch(() => null) };
    },
    { method, path, body },
  );
}

test("devcontainer.json import → prebuild → session with a private repo, dotfiles and a shared port", async ({ page }) => {
  test.setTimeout(300_000);
  const servers: ChildProcess[] = [];
  try {
    await signUp(page);
    const root = privateRepo();

    // Import devcontainer.json on a new template's version form: the manifest fills in, warnings listed.
    await page.getByRole("link", { name: "Templates", exact: true }).click();
    await page.getByRole("button", { name: "New template" }).click();
    await page.getByLabel("Name").fill("byo");
    await page.getByRole("button", { name: "Create template" }).click();
    await expect(page).toHaveURL(/\/templates\/tpl_/);
    const templateURL = page.url();
    const templateId = templateURL.split("/").pop() ?? "";
    const form = page.getByRole("form", { name: "New version" });
    await form.getByLabel("Version").fill("1.0.0");
    await page.getByTestId("devcontainer-input").setInputFiles({
      name: "devcontainer.json",
      mimeType: "application/json",
      buffer: Buffer.from(DEVCONTAINER),
    });
    await expect(form.getByLabel("Manifest")).toHaveValue(/postCreateCommand/);
    await expect(page.getByTestId("import-warnings")).toContainText("image");
    await page.getByTestId("bundle-input").setInputFiles({
      name: "bundle.tar.gz",
      mimeType: "application/gzip",
      buffer: Buffer.from(await targz([{ name: "package.json", content: '{"name":"byo","private":true}' }])),
    });
    await form.getByRole("button", { name: /upload/i }).click();

    // The prebuild runs postCreateCommand; the log repeats what was not honoured.
    await expect(page).toHaveURL(/\/builds\/bld_/);
    await expect(page.getByTestId("build-status")).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
    await expect(page.getByTestId("build-log")).toContainText("warning: devcontainer.json image");
    await expect(page.getByTestId("build-log")).toContainText("==> postCreateCommand");
    await page.goto(templateURL);
    await expect(page.getByTestId("version-import-note")).toContainText("from devcontainer.json");
    await page.locator('tr[data-version="1.0.0"]').getByRole("button", { name: "Promote" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Promote" }).click();
    await expect(page.getByTestId("active-version")).toHaveText("1.0.0");

    // A git token and dotfiles for this user, then a session from the template and a private repo.
    expect((await call(page, "POST", "/api/me/git-credential", { host: `127.0.0.1:${GIT_PORT}`, token: TOKEN })).status).toBe(200);
    expect((await call(page, "POST", "/api/me/dotfiles", { url: `http://127.0.0.1:${GIT_PORT}/dotfiles.git` })).status).toBe(200);
    const repo = `http://127.0.0.1:${GIT_PORT}/private.git`;
    const created = await call(page, "POST", "/api/sessions", { name: "byo", templateId, git: { url: repo, ref: "main" } });
    expect(created.status).toBe(201);
    const sessionId = (created.json as { session: { id: string } }).session.id;
    await page.goto(`/sessions/${sessionId}/workbench`);
    const workbench = page.getByTestId("workbench");
    await expect(workbench).toHaveAttribute("data-session-state", "running", { timeout: 90_000 });
    const tree = page.getByTestId("file-tree");
    await expect(tree.locator('[data-path="postcreate.txt"]')).toBeVisible();

    // The repository's server runs on the session's own loopback (its network namespace).
    const detail = await call(page, "GET", `/api/sessions/${sessionId}`);
    const pid = Number(/pid (\d+)/.exec((detail.json as { session: { runtimeState: string } }).session.runtimeState)?.[1]);
    servers.push(await serveInSession(netnsPid(pid), root, GIT_PORT, TOKEN));
    expect((await call(page, "POST", `/api/sessions/${sessionId}/git/clone`, {})).json).toMatchObject({ ok: true, dir: "private" });
    expect((await call(page, "POST", `/api/sessions/${sessionId}/dotfiles/apply`)).json).toMatchObject({ ok: true });
    await expect(async () => {
      const readme = await page.request.get(`/runtime/sessions/${sessionId}/files/content?path=private/README.md`);
      expect(await readme.text()).toBe("private hello\n");
    }).toPass({ timeout: 20_000 });

    // Ports: the template's label, and a link for the workspace on the port's own host.
    await page.getByTestId("ports-menu").locator("summary").click();
    const row = page.locator('[data-testid="port-row"][data-port="4500"]');
    await expect(row).toContainText("Web app", { timeout: 20_000 });
    await expect(row).toContainText("listening");
    await row.getByRole("button", { name: "Share with workspace" }).click();
    await expect(page.getByTestId("port-link")).toContainText("-4500.localhost");

    // The startup card on the session page keeps the dotfiles run.
    await page.goto(`/sessions/${sessionId}`);
    await expect(page.getByTestId("dotfiles-run")).toContainText("applied");
    await expect(page.getByTestId("dotfiles-run")).toContainText("installing dotfiles");
  } finally {
    for (const s of servers) s.kill("SIGTERM");
  }
});
