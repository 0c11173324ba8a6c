import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, expectOK, getSession, until } from "./helpers/api";
import { type FlareHome, flare, flareHome, signIn } from "./helpers/flare";
import { netnsPid, privateRepo, serveInSession } from "./helpers/git-fixtures";
import { createStackTemplate } from "./helpers/templates";
import { createStackUser, type StackUser } from "./helpers/users";

const TOKEN = `tok_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
const PORT = 9418;
const OTHER_PORT = 9419;

describe("a session starts from a private git repository with the user's stored token", () => {
  let owner: StackUser;
  let fh: FlareHome;
  const servers: ChildProcess[] = [];
  let root: string;

  beforeAll(async () => {
    owner = await createStackUser();
    fh = flareHome();
    signIn(fh, owner);
    root = privateRepo();
  });
  afterAll(() => {
    for (const s of servers) s.kill("SIGTERM");
  });

  it("stores the token sealed and never answers it", async () => {
    const set = await flare(fh, ["--json", "git", "token", "set", "--host", `127.0.0.1:${PORT}`], { input: `${TOKEN}\n` });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).not.toContain(TOKEN);
    const shown = await flare(fh, ["--json", "git", "token", "show"]);
    expect(JSON.parse(shown.stdout).credential).toMatchObject({ host: `127.0.0.1:${PORT}`, username: "x-access-token" });
    expect(shown.stdout).not.toContain(TOKEN);
    // Bad input is a 400 with the field named.
    const bad = await api(owner, "POST", "/api/me/git-credential", { host: "not a host", token: "x" });
    expect(bad.status).toBe(400);
    const badURL = await api(owner, "POST", "/api/sessions", {
      name: "creds-in-url",
      git: { url: `https://u:${TOKEN}@example.com/r.git` },
    });
    expect(badURL.status).toBe(400);
  });

  it("clones at start (progress and failure shown), then with the token through the credential helper; nothing stores the token", async () => {
    const url = `http://127.0.0.1:${PORT}/private.git`;
    const templateId = await createStackTemplate(owner.workspaceId, { persistedPaths: ["."] });
    const up = await flare(fh, ["--json", "session", "up", "from-git", "-t", templateId, "--git", url, "--ref", "main"], {
      timeoutMs: 90_000,
    });
    expect(up.code, up.stderr).toBe(0);
    const session = (JSON.parse(up.stdout) as { session: { id: string } }).session;
    await until(async () => (await getSession(owner, session.id)).state === "running", "session running", 60_000);

    // Nothing listens yet in the session's network: the first clone fails, and says so.
    const events = await flare(fh, ["--json", "session", "events", "from-git", "--until", "running"], { timeoutMs: 30_000 });
    const messages = events.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { message: string | null }).message ?? "");
    expect(messages).toContain(`cloning ${url} (main)`);
    expect(messages.some((m) => m.startsWith(`git clone of ${url} (main) failed`))).toBe(true);

    const detail = await getSession(owner, session.id);
    const pid = Number(/pid (\d+)/.exec(detail.runtimeState ?? "")?.[1]);
    servers.push(await serveInSession(netnsPid(pid), root, PORT, TOKEN));

    const cloned = await flare(fh, ["--json", "git", "clone", "from-git"], { timeoutMs: 60_000 });
    expect(cloned.code, cloned.stderr).toBe(0);
    expect(JSON.parse(cloned.stdout)).toMatchObject({ ok: true, dir: "private" });
    const readme = await api(owner, "GET", `/runtime/sessions/${session.id}/files/content?path=private/README.md`);
    expect(await readme.text()).toBe("private hello\n");

    // The token is in no file of the workspace's clone and in no event.
    const config = await (await api(owner, "GET", `/runtime/sessions/${session.id}/files/content?path=private/.git/config`)).text();
    expect(config).toContain(url);
    expect(config).not.toContain(TOKEN);
    expect(events.stdout).not.toContain(TOKEN);
    expect(cloned.stdout).not.toContain(TOKEN);

    // The helper answers for its one host only: another server on another port gets no token.
    servers.push(await serveInSession(netnsPid(pid), root, OTHER_PORT, TOKEN));
    const other = (await expectOK(
      await api(owner, "POST", `/api/sessions/${session.id}/git/clone`, { git: { url: `http://127.0.0.1:${OTHER_PORT}/other.git` } }),
    )) as { ok: boolean; output: string };
    expect(other.ok).toBe(false);
    expect(other.output).toMatch(/could not read Username|Authentication failed|terminal prompts disabled/);

    // Another workspace cannot clone into this session.
    const stranger = await createStackUser();
    expect((await api(stranger, "POST", `/api/sessions/${session.id}/git/clone`, {})).status).toBe(404);
  });

  it("dotfiles: cloned on the first start, install.sh runs, its output kept for the startup card; not again on restart", async () => {
    const dotsURL = `http://127.0.0.1:${PORT}/dotfiles.git`;
    const set = await flare(fh, ["--json", "dotfiles", "set", dotsURL]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse((await flare(fh, ["--json", "dotfiles", "show"])).stdout).dotfiles).toMatchObject({ url: dotsURL });

    const templateId = await createStackTemplate(owner.workspaceId, { persistedPaths: ["."] });
    const up = await flare(fh, ["--json", "session", "up", "dotted", "-t", templateId], { timeoutMs: 90_000 });
    expect(up.code, up.stderr).toBe(0);
    const id = (JSON.parse(up.stdout) as { session: { id: string } }).session.id;
    // At the first start nothing serves the repository in the session's network yet: a failed run, kept.
    const first = (await expectOK(await api(owner, "GET", `/api/sessions/${id}/dotfiles`))) as { run: { status: string; output: string } };
    expect(first.run).toMatchObject({ status: "failed", output: expect.stringContaining("cloning") });

    const pid = Number(/pid (\d+)/.exec((await getSession(owner, id)).runtimeState ?? "")?.[1]);
    servers.push(await serveInSession(netnsPid(pid), root, PORT, TOKEN));
    const applied = await flare(fh, ["--json", "dotfiles", "apply", "dotted"], { timeoutMs: 60_000 });
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).output).toContain("installing dotfiles");
    const mark = await api(owner, "GET", `/runtime/sessions/${id}/files/content?path=installed-by-dotfiles`);
    expect(await mark.text()).toBe("done\n");
    const kept = (await expectOK(await api(owner, "GET", `/api/sessions/${id}/dotfiles`))) as {
      run: { status: string; output: string; at: string };
    };
    expect(kept.run).toMatchObject({ status: "applied", output: expect.stringContaining("running install.sh") });
    expect(kept.run.output).not.toContain(TOKEN);
    const shown = await flare(fh, ["dotfiles", "show", "dotted"]);
    expect(shown.stdout).toContain("installing dotfiles");

    // A restart finds .dotfiles/.git and leaves the kept run as it was.
    const before = (await getSession(owner, id)).stateVersion;
    const restart = await api(owner, "POST", `/api/sessions/${id}/restart`);
    expect(restart.status).toBe(200);
    await until(
      async () => {
        const s = await getSession(owner, id);
        return s.state === "running" && s.stateVersion > before + 1;
      },
      "running again after the restart",
      60_000,
    );
    const after = (await expectOK(await api(owner, "GET", `/api/sessions/${id}/dotfiles`))) as { run: { at: string } };
    expect(after.run.at).toBe(kept.run.at);

    expect((await flare(fh, ["--json", "dotfiles", "clear"])).code).toBe(0);
    expect(JSON.parse((await flare(fh, ["--json", "dotfiles", "show"])).stdout).dotfiles).toBeNull();
    expect((await api(owner, "POST", `/api/sessions/${id}/dotfiles/apply`)).status).toBe(400);
    const stranger = await createStackUser();
    expect((await api(stranger, "GET", `/api/sessions/${id}/dotfiles`)).status).toBe(404);
  });
});
