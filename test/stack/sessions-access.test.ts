import { describe, expect, it } from "vitest";
import { api, baseURL, createSession, expectOK, rawApi, runtimeApi, runtimeReq, send } from "./helpers/api";
import { TerminalClient } from "./helpers/terminal";
import { createStackUser } from "./helpers/users";

describe("runtime routes: who may reach a running session", () => {
  it("answers 404 to another workspace's user on every runtime route, WebSocket upgrades included", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "private" });
    const stranger = await createStackUser();
    for (const request of [
      runtimeReq("GET", session.id, "files/tree", { query: { path: "." } }),
      runtimeReq("GET", session.id, "files/content", { query: { path: "README.md" } }),
      runtimeReq("GET", session.id, "preview/"),
      runtimeReq("GET", session.id, "terminal"),
      runtimeReq("GET", session.id, "ssh"),
    ]) {
      const res = await send(stranger, request);
      // /ssh takes only ssh tokens, so a bearer access token is not even a credential there.
      expect(res.status, request.label).toBe(request.label.endsWith("/ssh") ? 401 : 404);
    }
    expect(await TerminalClient.upgradeStatus(session.id, stranger.headers)).toBe(404);
    expect(await TerminalClient.upgradeStatus(session.id, stranger.headers, "preview/")).toBe(404);
    // The stranger's own ssh token is for nothing of theirs here.
    const strangerSession = await createSession(stranger, { name: "mine", start: false });
    const token = (await expectOK(
      await api(stranger, "POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId: strangerSession.id } }),
    )) as { token: string };
    expect(await TerminalClient.upgradeStatus(session.id, { authorization: `Bearer ${token.token}` }, "ssh")).toBe(404);
    // The owner still gets in.
    expect(await TerminalClient.upgradeStatus(session.id, owner.headers)).toBe(101);
  });

  it("refuses path traversal and symlink escapes through the files route", async () => {
    const user = await createStackUser();
    const session = await createSession(user, { name: "jail" });
    for (const path of ["../../etc/passwd", "a/../../x", "%2e%2e/%2e%2e/etc/passwd"]) {
      // The query as written: the encoded dots must reach the server still encoded.
      const res = await runtimeApi(user, "GET", session.id, "files/content", { query: `path=${path}` });
      expect(res.status, path).toBe(400);
    }
    // rawApi: a deliberately encoded traversal in the path itself, which no entry names.
    const encodedDots = await rawApi(user, "GET", `/runtime/sessions/${session.id}/files/%2e%2e/%2e%2e/etc/passwd`);
    expect(encodedDots.status).toBeGreaterThanOrEqual(400);
    expect(encodedDots.status).toBeLessThan(500);
    const term = await TerminalClient.open(session.id, user.headers);
    term.send("ln -s /etc escape && echo LINKED-$((1+1))\r");
    await term.waitFor("LINKED-2");
    await term.close();
    const viaLink = await runtimeApi(user, "GET", session.id, "files/content", { query: { path: "escape/passwd" } });
    expect(viaLink.status).toBe(403);
    const writeViaLink = await fetch(`${baseURL()}/runtime/sessions/${session.id}/files/content?path=escape/evil`, {
      method: "PUT",
      headers: user.headers,
      body: "x",
    });
    expect(writeViaLink.status).toBe(403);
  });
});
