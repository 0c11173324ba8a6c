import type { SessionPort } from "@burstflare/sdk/schemas/ports";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createSession, expectOK, getSession, sessionAction, until } from "./helpers/api";
import { type FlareHome, flare, flareHome, signIn } from "./helpers/flare";
import {
  get,
  mustVisitShare,
  PREVIEW_GRANT_COOKIE,
  publicOrigin,
  SHARE_VISIT_COOKIE,
  setCookieValue,
  VISIT_HOST,
  visitOn,
} from "./helpers/preview-host";
import { createStackTemplate } from "./helpers/templates";
import { createStackUser, type StackUser } from "./helpers/users";

const server = (port: number, host: string) =>
  `nohup node -e "require('http').createServer((q, r) => r.end('port ${port}')).listen(${port}, '${host}')" > /dev/null 2>&1 &`;

async function ports(user: StackUser, sessionId: string): Promise<SessionPort[]> {
  return ((await expectOK(await api(user, "GET /api/sessions/{sessionId}/ports", { params: { sessionId } }))) as { ports: SessionPort[] })
    .ports;
}

describe("ports: what listens in a session, with the template's labels", () => {
  let owner: StackUser;
  let sessionId: string;
  let fh: FlareHome;

  beforeAll(async () => {
    owner = await createStackUser();
    const templateId = await createStackTemplate(owner.workspaceId, {
      persistedPaths: ["."],
      previewPort: 4100,
      ports: [
        { port: 4100, label: "Web app", onAutoForward: "openPreview" },
        { port: 4300, label: "Docs" },
      ],
      bootstrap: `${server(4100, "127.0.0.1")}\n${server(4200, "0.0.0.0")}`,
    });
    const session = await createSession(owner, { name: "ports", templateId });
    sessionId = session.id;
    await until(async () => (await getSession(owner, sessionId)).state === "running", "session running", 60_000);
    fh = flareHome();
    signIn(fh, owner);
  });

  it("lists the session's own listeners (not the agent's), labelled, plus named ports not started", async () => {
    const list = await until(async () => {
      const p = await ports(owner, sessionId);
      return p.filter((x) => x.listening).length >= 2 ? p : null;
    }, "both servers listening");
    expect(list).toEqual([
      { port: 4100, listening: true, addresses: ["127.0.0.1"], label: "Web app", onAutoForward: "openPreview", preview: true },
      { port: 4200, listening: true, addresses: ["0.0.0.0"], label: null, onAutoForward: null, preview: false },
      { port: 4300, listening: false, addresses: [], label: "Docs", onAutoForward: null, preview: false },
    ]);
  });

  it("flare ports ls shows the same list", async () => {
    const r = await flare(fh, ["--json", "ports", "ls", "ports"]);
    expect(r.code, r.stderr).toBe(0);
    const data = JSON.parse(r.stdout) as { ports: SessionPort[] };
    expect(data.ports.map((p) => p.port)).toEqual(expect.arrayContaining([4100, 4200, 4300]));
    const human = await flare(fh, ["ports", "ls", "ports"]);
    expect(human.stdout).toMatch(/4100\s+Web app\s+listening on 127\.0\.0\.1\s+preview/);
    const opened = await flare(fh, ["--json", "ports", "open", "ports", "4200", "--no-browser"]);
    expect(JSON.parse(opened.stdout)).toMatchObject({
      url: expect.stringMatching(new RegExp(`/runtime/sessions/${sessionId}/ports/4200$`)),
    });
    const shared = await flare(fh, ["--json", "ports", "share", "ports", "4200", "--expires", "1h"]);
    expect(shared.code, shared.stderr).toBe(0);
    const link = JSON.parse(shared.stdout) as { url: string; share: { port: number; scope: string } };
    expect(link.share).toMatchObject({ port: 4200, scope: "workspace" });
    expect(new URL(link.url).hostname).toMatch(/-4200\.localhost$/);
    const bad = await flare(fh, ["--json", "ports", "share", "ports", "99999"]);
    expect(bad.code).toBe(2);
  });

  it("opens any port privately on its own origin, and shares one with the workspace on that origin only", async () => {
    const visit = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/ports/{port}/visit", { params: { sessionId, port: 4200 }, body: { path: "/" } }),
    )) as {
      url: string;
      origin: string;
    };
    const preview = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/preview-visit", { params: { sessionId }, body: { path: "/" } }),
    )) as {
      origin: string;
    };
    // <label>-4200-v<visit>.localhost: not the preview's host, and a host of this visit's own.
    expect(new URL(publicOrigin(visit.origin)).hostname).toBe(
      `${new URL(publicOrigin(preview.origin)).hostname.split(".")[0]}-4200.localhost`,
    );
    expect(new URL(visit.origin).hostname).toMatch(VISIT_HOST);
    const enter = await get(visit.url);
    const cookie = setCookieValue(enter, PREVIEW_GRANT_COOKIE);
    expect(enter.status).toBe(303);
    const owned = visitOn(visit.origin, cookie ?? "");
    const page = await owned.get("/hello");
    expect(page.status).toBe(200);
    expect(await page.text()).toBe("port 4200");
    expect(page.headers.get("content-security-policy")).toMatch(/sandbox/);

    // The tab route on the app origin goes to the same port's host.
    const tab = await get(`/runtime/sessions/${sessionId}/ports/4200`, owner.headers);
    expect(tab.status).toBe(303);
    expect(publicOrigin(tab.headers.get("location") ?? "")).toBe(publicOrigin(visit.origin));
    expect(new URL(tab.headers.get("location") ?? "").origin).not.toBe(visit.origin);

    // A workspace link to port 4200: a member reaches 4200 and nothing else with it.
    const link = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/shares", {
        params: { sessionId },
        body: { scope: "workspace", expiresInSeconds: 3600, port: 4200 },
      }),
      201,
    )) as { path: string; url: string; share: { port: number | null } };
    expect(link.share.port).toBe(4200);
    expect(new URL(link.url).origin).toBe(publicOrigin(visit.origin));
    const member = await createStackUser({ workspaceId: owner.workspaceId, role: "member" });
    const shared = await mustVisitShare(link.path, member.headers);
    expect(publicOrigin(shared.origin)).toBe(publicOrigin(visit.origin));
    expect(new URL(shared.origin).hostname).toMatch(VISIT_HOST);
    expect(await (await shared.get("/")).text()).toBe("port 4200");
    const shareCookie = shared.cookie;
    expect(shareCookie.startsWith(`${SHARE_VISIT_COOKIE}=`)).toBe(true);
    // The same link's cookie on the preview's host or another port's host: no such link there.
    expect((await visitOn(preview.origin, shareCookie).get("/")).status).toBe(404);
    expect((await visitOn(shared.origin.replace("-4200-", "-4100-"), shareCookie).get("/")).status).toBe(404);
    // A stranger cannot open another workspace's port.
    const stranger = await createStackUser();
    expect(
      (await api(stranger, "POST /api/sessions/{sessionId}/ports/{port}/visit", { params: { sessionId, port: 4200 }, body: { path: "/" } }))
        .status,
    ).toBe(404);
    expect(
      (await api(owner, "POST /api/sessions/{sessionId}/ports/{port}/visit", { params: { sessionId, port: 70000 }, body: { path: "/" } }))
        .status,
    ).toBe(400);
  });

  it("refuses viewers (403), other workspaces (404) and sessions that are not running (409)", async () => {
    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect((await api(viewer, "GET /api/sessions/{sessionId}/ports", { params: { sessionId } })).status).toBe(403);
    const stranger = await createStackUser();
    const other = await api(stranger, "GET /api/sessions/{sessionId}/ports", { params: { sessionId } });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe("not_found");
    await sessionAction(owner, sessionId, "stop");
    await until(async () => (await getSession(owner, sessionId)).state === "stopped", "stopped", 60_000);
    const stopped = await api(owner, "GET /api/sessions/{sessionId}/ports", { params: { sessionId } });
    expect(stopped.status).toBe(409);
    expect(((await stopped.json()) as { error: { code: string } }).error.code).toBe("invalid_state");
  });
});
