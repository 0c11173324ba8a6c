import type { SessionPort } from "@burstflare/sdk/schemas/ports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createSession, expectOK, getSession, until } from "../stack/helpers/api";
import { probe } from "../stack/helpers/driver-probe";
import { flare, flareHome, signIn } from "../stack/helpers/flare";
import { privateRepo } from "../stack/helpers/git-fixtures";
import { type GitHost, startGitHost } from "../stack/helpers/git-host";
import { putFile, readFile } from "../stack/helpers/snapshot-tree";
import { createStackTemplate } from "../stack/helpers/templates";
import { createStackUser, type StackUser } from "../stack/helpers/users";

const driver = probe();
const TOKEN = `tok_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;

/** Issue 18 on every driver: what listens in a session is listed, and a clone from an internet git host works with the token. */
describe(`ports and git (${driver.name} driver)`, () => {
  let user: StackUser;
  let host: GitHost;

  beforeAll(async () => {
    user = await createStackUser();
    host = await startGitHost(privateRepo(), TOKEN, "c");
    const fh = flareHome();
    signIn(fh, user);
    const set = await flare(fh, ["--json", "git", "token", "set", "--host", host.host], { input: `${TOKEN}\n` });
    expect(set.code, set.stderr).toBe(0);
  });
  afterAll(() => host?.stop());

  it("a port the session listens on shows in the ports listing, labelled by the template", async () => {
    const templateId = await createStackTemplate(user.workspaceId, {
      persistedPaths: ["."],
      ports: [{ port: 4600, label: "Contract" }],
      bootstrap: `nohup node -e "require('http').createServer((q, r) => r.end('ok')).listen(4600, '0.0.0.0')" > /dev/null 2>&1 &`,
    });
    const session = await createSession(user, { name: "contract-ports", templateId });
    await until(async () => (await getSession(user, session.id)).state === "running", "session running", 120_000);
    const port = await until(async () => {
      const { ports } = (await expectOK(await api(user, "GET /api/sessions/{sessionId}/ports", { params: { sessionId: session.id } }))) as {
        ports: SessionPort[];
      };
      return ports.find((p) => p.port === 4600 && p.listening);
    }, "port 4600 listening");
    expect(port).toMatchObject({ port: 4600, listening: true, label: "Contract" });
    await api(user, "POST /api/sessions/{sessionId}/stop", { params: { sessionId: session.id } });
  });

  it("clones a private repository from the internet git host with the stored token", async () => {
    const templateId = await createStackTemplate(user.workspaceId, { persistedPaths: ["."] });
    const session = await createSession(user, { name: "contract-git", templateId });
    await until(async () => (await getSession(user, session.id)).state === "running", "session running", 120_000);
    // The project trusts the git host's CA (HOME is the workspace on both drivers).
    await putFile(user, session.id, ".gitconfig", host.gitconfig);
    await putFile(user, session.id, ".bf-test-ca.pem", host.caPem);
    const result = (await expectOK(
      await api(user, "POST /api/sessions/{sessionId}/git/clone", {
        params: { sessionId: session.id },
        body: { git: { url: host.url("private.git"), ref: "main" } },
      }),
    )) as { ok: boolean; dir: string; output: string };
    expect(result, result.output).toMatchObject({ ok: true, dir: "private" });
    expect((await readFile(user, session.id, "private/README.md")).bytes.toString()).toBe("private hello\n");
    expect(result.output).not.toContain(TOKEN);
    await api(user, "POST /api/sessions/{sessionId}/stop", { params: { sessionId: session.id } });
  });
});
