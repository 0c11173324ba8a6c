import { expect, test } from "@playwright/test";
import { targz } from "../../api/test/helpers/tar";
import { privateRepo } from "../../test/stack/helpers/git-fixtures";
import { type GitHost, startGitHost } from "../../test/stack/helpers/git-host";
import { signUp } from "../helpers/auth";
import { createTemplateInUI } from "../helpers/templates";

const TOKEN = `tok_${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;

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

test("devcontainer.json import → prebuild → session with a private repo, dotfiles and a shared port", async ({ page }) => {
  test.setTimeout(300_000);
  // The private repository on a host of the internet, as the sessions see it (test/stack/helpers/git-host.ts).
  let host: GitHost | null = null;
  try {
    host = await startGitHost(privateRepo(), TOKEN, "e");
    await signUp(page);

    // Import devcontainer.json on a new template's version form: the manifest fills in, warnings listed.
    await page.getByRole("link", { name: "Templates", exact: true }).click();
    const templateURL = await createTemplateInUI(page, "byo");
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
      // The project trusts its git server's CA (HOME is the workspace), as a project behind a private CA would.
      buffer: Buffer.from(
        await targz([
          { name: "package.json", content: '{"name":"byo","private":true}' },
          { name: ".gitconfig", content: host.gitconfig },
          { name: ".bf-test-ca.pem", content: host.caPem },
        ]),
      ),
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

    // The git token and the dotfiles repository, on the account page; the token is never shown back.
    await page.getByTestId("account-link").click();
    const git = page.getByTestId("git-section");
    await git.getByLabel("Git host").fill(host.host);
    await git.getByLabel("Git token", { exact: true }).fill(TOKEN);
    await git.getByRole("button", { name: "Save token" }).click();
    await expect(page.getByTestId("git-token-status")).toContainText(`Token for ${host.host} as x-access-token`);
    await expect(git.getByLabel("Git token", { exact: true })).toHaveValue("");
    await git.getByLabel("Dotfiles repository").fill(host.url("dotfiles.git"));
    await git.getByRole("button", { name: "Save dotfiles" }).click();
    await expect(page.getByTestId("dotfiles-status")).toContainText(host.url("dotfiles.git"));
    expect(await page.content()).not.toContain(TOKEN);

    // A session from the template and the private repository, from the New session dialog.
    const repo = host.url("private.git");
    await page.getByRole("link", { name: "Sessions", exact: true }).click();
    await page
      .getByRole("button", { name: /New session/ })
      .first()
      .click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("byo");
    await dialog.getByRole("combobox").selectOption({ label: "byo (1.0.0)" });
    await dialog.getByLabel("Git repository").fill(repo);
    await dialog.getByLabel("Branch or tag").fill("main");
    await dialog.getByRole("button", { name: "Create and start" }).click();
    await expect(page).toHaveURL(/\/sessions\/ses_[^/]+\/workbench/);
    const sessionId = page.url().split("/sessions/")[1]?.split("/")[0] ?? "";
    const workbench = page.getByTestId("workbench");
    await expect(workbench).toHaveAttribute("data-session-state", "running", { timeout: 120_000 });
    // Cloned at boot (running means booted), next to postCreateCommand's file and the dotfiles' mark.
    const tree = page.getByTestId("file-tree");
    await expect(tree.locator('[data-path="postcreate.txt"]')).toBeVisible();
    await expect(tree.locator('[data-path="private"]')).toBeVisible();
    await expect(tree.locator('[data-path="installed-by-dotfiles"]')).toBeVisible();
    const readme = await page.request.get(`/runtime/sessions/${sessionId}/files/content?path=private/README.md`);
    expect(await readme.text()).toBe("private hello\n");

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
    // The session's events keep the clone's progress.
    await expect(page.getByTestId("session-events")).toContainText(`cloned ${repo} (main) into private`);
  } finally {
    host?.stop();
  }
});
