import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, expectOK, getSession, runtimeApi, until } from "./helpers/api";
import { type FlareHome, flare, flareJSON, signedInUser } from "./helpers/flare";
import { privateRepo } from "./helpers/git-fixtures";
import { type GitHost, startGitHost } from "./helpers/git-host";
import { scratchFolders } from "./helpers/scratch";
import { shell } from "./helpers/snapshot-tree";
import { createStackUser, type StackUser } from "./helpers/users";

const scratch = scratchFolders();

const TOKEN = `tok_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const OTHER_PORT = 8443;

/** A template folder whose bundle trusts the git host's CA (`~/.gitconfig`, HOME is the workspace). */
function templateDir(host: GitHost, manifest: Record<string, unknown>): string {
  const dir = scratch("bf-git-tpl-");
  writeFileSync(path.join(dir, "burstflare.json"), JSON.stringify({ persistedPaths: ["."], ...manifest }));
  writeFileSync(path.join(dir, ".gitconfig"), host.gitconfig);
  writeFileSync(path.join(dir, ".bf-test-ca.pem"), host.caPem);
  return dir;
}

async function events(fh: FlareHome, session: string): Promise<{ raw: string; messages: string[] }> {
  const out = await flare(fh, ["--json", "session", "events", session, "--until", "running"], { timeoutMs: 30_000 });
  const messages = out.stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { message: string | null }).message ?? "");
  return { raw: out.stdout, messages };
}

async function readFile(user: StackUser, id: string, file: string): Promise<string | null> {
  const res = await runtimeApi(user, "GET", id, "files/content", { query: { path: file } });
  return res.status === 200 ? res.text() : null;
}

/** Sessions started by the current test, stopped after it (the plan allows two running). */
const started: [StackUser, string][] = [];

async function up(fh: FlareHome, owner: StackUser, args: string[]): Promise<string> {
  const r = await flare(fh, ["--json", "session", "up", ...args], { timeoutMs: 120_000 });
  expect(r.code, r.stderr).toBe(0);
  const id = (JSON.parse(r.stdout) as { session: { id: string } }).session.id;
  started.push([owner, id]);
  await until(async () => (await getSession(owner, id)).state === "running", "session running", 90_000);
  return id;
}

describe("a session starts from a private git repository with the user's stored token", () => {
  let owner: StackUser;
  let fh: FlareHome;
  let root: string;
  let host: GitHost;
  /** A promoted template whose bundle trusts the git host's CA. */
  let template: string;

  beforeAll(async () => {
    ({ user: owner, fh } = await signedInUser());
    root = privateRepo();
    host = await startGitHost(root, TOKEN);
    template = `git-${Date.now().toString(36)}`;
    await flareJSON(fh, ["template", "create", template]);
    await flareJSON(fh, ["template", "upload", template, templateDir(host, {}), "-V", "1", "--promote"], { timeoutMs: 180_000 });
  });
  afterAll(() => host?.stop());
  afterEach(async () => {
    for (const [user, id] of started.splice(0)) await api(user, "POST /api/sessions/{sessionId}/stop", { params: { sessionId: id } });
  });

  it("stores the token sealed and never answers it", async () => {
    const set = await flare(fh, ["--json", "git", "token", "set", "--host", host.host], { input: `${TOKEN}\n` });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).not.toContain(TOKEN);
    const shown = await flare(fh, ["--json", "git", "token", "show"]);
    expect(JSON.parse(shown.stdout).credential).toMatchObject({ host: host.host, username: "x-access-token" });
    expect(shown.stdout).not.toContain(TOKEN);
    // Bad input is a 400 with the field named.
    const bad = await api(owner, "POST /api/me/git-credential", { body: { host: "not a host", token: "x" } });
    expect(bad.status).toBe(400);
    const badURL = await api(owner, "POST /api/sessions", {
      body: {
        name: "creds-in-url",
        git: { url: `https://u:${TOKEN}@example.com/r.git` },
      },
    });
    expect(badURL.status).toBe(400);
  });

  it("clones at boot from an internet host with the token; progress in the startup events; the token stored nowhere", async () => {
    const url = host.url("private.git");
    const id = await up(fh, owner, ["from-git", "-t", template, "--git", url, "--ref", "main"]);
    // Running means booted: the clone happened before, in the boot, not through a retry.
    expect(await readFile(owner, id, "private/README.md")).toBe("private hello\n");
    const ev = await events(fh, "from-git");
    expect(ev.messages).toContain(`cloning ${url} (main)`);
    expect(ev.messages).toContain(`cloned ${url} (main) into private`);
    expect(ev.messages.some((m) => m.includes("failed"))).toBe(false);

    // The token is in the session's environment (so the next check can fail) and in no workspace file.
    await shell(owner, id, `test "$BF_GIT_TOKEN" = "${TOKEN}" && ! grep -rqF "$BF_GIT_TOKEN" "$HOME"`);
    const config = await readFile(owner, id, "private/.git/config");
    expect(config).toContain(url);
    expect(config).not.toContain(TOKEN);
    expect(ev.raw).not.toContain(TOKEN);
    expect(JSON.stringify(await getSession(owner, id))).not.toContain(TOKEN);

    // The git host opened no hole: the server also listens on its veth end (10.218.x.y, in 10/8),
    // which answers this machine but not the session; this machine's end is refused as all its addresses are.
    expect(execFileSync("curl", ["-sk", "-o", "/dev/null", "-w", "%{http_code}", `https://${host.link.nsIP}/`]).toString()).toBe("401");
    await shell(owner, id, `curl -s -o /dev/null --max-time 5 --cacert ~/.bf-test-ca.pem ${host.url("")}`);
    for (const ip of [host.link.hostIP, host.link.nsIP]) await shell(owner, id, `! curl -sk -o /dev/null --max-time 5 https://${ip}/`);
  });

  it("a failed boot clone is a warning; the retry route clones once the repository exists; other hosts get no token", async () => {
    const url = host.url("later.git");
    const id = await up(fh, owner, ["later", "-t", template, "--git", url]);
    const ev = await events(fh, "later");
    expect(ev.messages.some((m) => m.startsWith(`git clone of ${url} failed`))).toBe(true);

    execFileSync("git", ["clone", "-q", "--bare", path.join(root, "private.git"), path.join(root, "later.git")]);
    const cloned = await flare(fh, ["--json", "git", "clone", "later"], { timeoutMs: 60_000 });
    expect(cloned.code, cloned.stderr).toBe(0);
    expect(JSON.parse(cloned.stdout)).toMatchObject({ ok: true, dir: "later" });
    expect(await readFile(owner, id, "later/README.md")).toBe("private hello\n");
    expect(cloned.stdout).not.toContain(TOKEN);

    // The helper answers for its one host only: the same address on another port gets no token.
    await host.serve(OTHER_PORT);
    const other = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/git/clone", {
        params: { sessionId: id },
        body: { git: { url: host.url("other.git", OTHER_PORT) } },
      }),
    )) as { ok: boolean; output: string };
    expect(other.ok).toBe(false);
    expect(other.output).toMatch(/could not read Username|Authentication failed|terminal prompts disabled/);

    // Another workspace cannot clone into this session; bad input is a 400.
    const stranger = await createStackUser();
    expect((await api(stranger, "POST /api/sessions/{sessionId}/git/clone", { params: { sessionId: id }, body: {} })).status).toBe(404);
    expect(
      (await api(owner, "POST /api/sessions/{sessionId}/git/clone", { params: { sessionId: id }, body: { git: { url: "file:///etc" } } }))
        .status,
    ).toBe(400);
  });

  it("an imported devcontainer.json's prebuild clones the repository with the uploader's token; postCreateCommand runs on the clone; its sessions do not clone again", async () => {
    const url = host.url("private.git");
    const name = `prebuilt-${Date.now().toString(36)}`;
    const dir = templateDir(host, {});
    mkdirSync(path.join(dir, ".devcontainer"));
    writeFileSync(
      path.join(dir, ".devcontainer/devcontainer.json"),
      JSON.stringify({
        name,
        postCreateCommand: "wc -c < private/README.md > built-from-clone.txt",
        customizations: { burstflare: { git: { url, ref: "main" } } },
      }),
    );
    const uploaded = await flareJSON<{ build: { id: string } }>(fh, ["template", "import", dir, "-V", "1", "--promote"], {
      timeoutMs: 180_000,
    });
    const log = await (await api(owner, "GET /api/template-builds/{buildId}/log", { params: { buildId: uploaded.build.id } })).text();
    expect(log).toContain(`$ git clone ${url} (main)`);
    expect(log).toMatch(/Cloning into 'private'/);
    expect(log.indexOf("Cloning into 'private'")).toBeLessThan(log.indexOf("==> postCreateCommand"));
    expect(log).not.toContain(TOKEN);

    const id = await up(fh, owner, ["prebuilt", "-t", name]);
    // The build step ran against the cloned tree, and the session has both from the artifact.
    expect(await readFile(owner, id, "built-from-clone.txt")).toBe("14\n");
    expect(await readFile(owner, id, "private/README.md")).toBe("private hello\n");
    const ev = await events(fh, "prebuilt");
    expect(ev.messages).toContain(`private already holds ${url} (main)`);
    expect(ev.messages).not.toContain(`cloned ${url} (main) into private`);
  });

  it("dotfiles: cloned on the first start, install.sh runs, its output kept for the startup card; not again on restart", async () => {
    const dotsURL = host.url("dotfiles.git");
    const set = await flare(fh, ["--json", "dotfiles", "set", dotsURL]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse((await flare(fh, ["--json", "dotfiles", "show"])).stdout).dotfiles).toMatchObject({ url: dotsURL });

    const id = await up(fh, owner, ["dotted", "-t", template]);
    // Applied at boot: the mark of install.sh in HOME, the run kept with its output.
    expect(await readFile(owner, id, "installed-by-dotfiles")).toBe("done\n");
    const kept = (await expectOK(await api(owner, "GET /api/sessions/{sessionId}/dotfiles", { params: { sessionId: id } }))) as {
      run: { status: string; output: string; at: string };
    };
    expect(kept.run).toMatchObject({ status: "applied", output: expect.stringContaining("installing dotfiles") });
    expect(kept.run.output).toContain("running install.sh");
    // The token install.sh printed is masked; the run is for those with runtime access, not viewers.
    expect(kept.run.output).toContain("token for pushes: ***");
    expect(kept.run.output).not.toContain(TOKEN);
    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect((await api(viewer, "GET /api/sessions/{sessionId}/dotfiles", { params: { sessionId: id } })).status).toBe(403);
    const shown = await flare(fh, ["dotfiles", "show", "dotted"]);
    expect(shown.stdout).toContain("installing dotfiles");

    // A restart finds .dotfiles/.git and leaves the kept run as it was.
    const before = (await getSession(owner, id)).stateVersion;
    const restart = await api(owner, "POST /api/sessions/{sessionId}/restart", { params: { sessionId: id } });
    expect(restart.status).toBe(200);
    await until(
      async () => {
        const s = await getSession(owner, id);
        return s.state === "running" && s.stateVersion > before + 1;
      },
      "running again after the restart",
      60_000,
    );
    const after = (await expectOK(await api(owner, "GET /api/sessions/{sessionId}/dotfiles", { params: { sessionId: id } }))) as {
      run: { at: string };
    };
    expect(after.run.at).toBe(kept.run.at);
    // Applying again by hand is allowed and reports the earlier run.
    expect(
      (await expectOK(await api(owner, "POST /api/sessions/{sessionId}/dotfiles/apply", { params: { sessionId: id } }))) as { ok: boolean },
    ).toMatchObject({ ok: true });

    expect((await flare(fh, ["--json", "dotfiles", "clear"])).code).toBe(0);
    expect(JSON.parse((await flare(fh, ["--json", "dotfiles", "show"])).stdout).dotfiles).toBeNull();
    expect((await api(owner, "POST /api/sessions/{sessionId}/dotfiles/apply", { params: { sessionId: id } })).status).toBe(400);
    const stranger = await createStackUser();
    expect((await api(stranger, "GET /api/sessions/{sessionId}/dotfiles", { params: { sessionId: id } })).status).toBe(404);
  });
});
