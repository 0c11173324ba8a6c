import { createShareResponse, MIN_SHARE_TTL_SECONDS, type ShareAccess, shareAccessListResponse } from "@burstflare/sdk/schemas/shares";
import { templateVersionSchema } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { api, baseURL, createSession, expectOK, getSession, until } from "./helpers/api";
import { get, mustVisitShare, publicOrigin, SHARE_VISIT_COOKIE, VISIT_HOST, visitPreview } from "./helpers/preview-host";
import { heldWSAt, openWS, sessionWithPreviewServer } from "./helpers/preview-server";
import { createSessionWithManifest } from "./helpers/templates";
import { TerminalClient } from "./helpers/terminal";
import { createStackUser, type StackUser } from "./helpers/users";

/**
 * Share links against the real stack: a preview server with a WebSocket endpoint runs inside
 * the session (helpers/preview-server.ts). The link `/runtime/share/<token>/` is checked on the
 * app origin and opens on the session's preview host, where every request is checked again.
 */

async function share(owner: StackUser, sessionId: string, body: Record<string, unknown>) {
  const res = await api(owner, "POST /api/sessions/{sessionId}/shares", {
    params: { sessionId },
    body: { expiresInSeconds: 3600, ...body },
  });
  return createShareResponse.parse(await expectOK(res, 201));
}

async function accessLog(owner: StackUser, sessionId: string): Promise<ShareAccess[]> {
  const res = await api(owner, "GET /api/sessions/{sessionId}/share-access", { params: { sessionId }, query: { limit: 500 } });
  return shareAccessListResponse.parse(await expectOK(res)).entries;
}

describe("preview share links on the stack", () => {
  it("a link for B works for B over HTTP and WebSocket, not for C or a signed-out visitor; revoking ends it at once", async () => {
    const owner = await createStackUser();
    const b = await createStackUser();
    const c = await createStackUser();
    const id = await sessionWithPreviewServer(owner, "people-share");
    const { path, url, share: link } = await share(owner, id, { scope: "people", emails: [b.email] });
    // The link handed out opens on the preview host; only its app-origin form checks the visitor.
    expect(new URL(url).hostname).toMatch(/^[a-z2-7]+\.localhost$/);
    expect(new URL(url).pathname).toBe(`/__burstflare/share/${path.split("/")[3]}/`);
    // Opened in a tab it goes through the app origin's check (and viewer page); a frame gets the cookie.
    const inTab = await get(url, { "sec-fetch-dest": "document" });
    expect(inTab.status).toBe(303);
    expect(inTab.headers.get("location")).toBe(`${baseURL()}${path}`);
    expect(inTab.headers.getSetCookie()).toEqual([]);
    const tabPage = await get(path, { ...b.headers, "sec-fetch-dest": "document" });
    expect(tabPage.status).toBe(200);
    // The viewer frames a fresh visit's own host under the session's label, never the public host.
    const framed = /src="([^"]+)"/.exec(await tabPage.text())?.[1] ?? "";
    expect(new URL(framed).hostname).toMatch(VISIT_HOST);
    expect(publicOrigin(framed)).toBe(new URL(url).origin);
    expect(new URL(framed).pathname).toMatch(/^\/__burstflare\/share\/bfsh_[^/]+\.v2\./);

    const visit = await mustVisitShare(`${path}hello?x=1`, b.headers);
    expect(new URL(visit.origin).hostname).toMatch(VISIT_HOST);
    expect(publicOrigin(visit.origin)).toBe(new URL(url).origin);
    expect(visit.origin).not.toBe(new URL(framed).origin);
    // B's grant is bound to its visit's host: on another visit's host of the same link it names nobody.
    const grantSegment = new URL(visit.enterURL).pathname.split("/")[3] ?? "";
    const elsewhere = `${new URL(framed).origin}/__burstflare/share/${grantSegment}/hello`;
    const planted = await get(elsewhere);
    expect(planted.status).toBe(303);
    const plantedCookie = planted.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    expect((await get(`${new URL(framed).origin}/hello`, { cookie: plantedCookie })).status).toBe(401);
    const page = await visit.get("/hello?x=1");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Shared preview /hello?x=1");
    // The previewed app runs sandboxed, leaks no link through Referer and cannot set our cookies.
    expect(page.headers.get("content-security-policy")).toContain("sandbox allow-scripts");
    expect(page.headers.get("content-security-policy")).not.toContain("allow-same-origin");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.getSetCookie()).toEqual(["app=1; Path=/"]);
    expect(await visit.ws("/hmr")).toEqual({ status: 101, message: "hello /hmr" });
    // The app origin never serves the preview, not even its WebSocket.
    expect((await openWS(`${path}hmr`, b.headers)).status).toBe(404);

    expect((await get(`${path}hello`, c.headers)).status).toBe(403);
    expect((await openWS(`${path}hmr`, c.headers)).status).toBe(403);
    expect((await get(`${path}hello`)).status).toBe(401);
    expect((await openWS(`${path}hmr`)).status).toBe(401);

    await expectOK(await api(owner, "DELETE /api/sessions/{sessionId}/shares/{shareId}", { params: { sessionId: id, shareId: link.id } }));
    expect((await visit.get("/hello")).status).toBe(410);
    expect((await visit.ws("/hmr")).status).toBe(410);

    const log = (await accessLog(owner, id)).reverse();
    expect(log.map((e) => [e.email, e.path, e.websocket, e.outcome, e.reason])).toEqual([
      [null, "/hello", false, "refused", "grant_invalid"],
      [b.email, "/hello?x=1", false, "allowed", null],
      [b.email, "/hmr", true, "allowed", null],
      // Not named: the link does not name c (api/test/shares/shares.test.ts).
      [null, "/hello", false, "refused", "not_invited"],
      [null, "/hmr", true, "refused", "not_invited"],
      [null, "/hello", false, "refused", "sign_in_required"],
      [null, "/hmr", true, "refused", "sign_in_required"],
      [b.email, "/hello", false, "refused", "revoked"],
      [b.email, "/hmr", true, "refused", "revoked"],
    ]);
    expect(log.every((e) => e.ip !== undefined && e.userAgent !== undefined)).toBe(true);
  });

  it("an anyone link serves signed-out visitors until it expires, and never reaches terminal, files or ssh", async () => {
    const owner = await createStackUser();
    const id = await sessionWithPreviewServer(owner, "anyone-share");
    // The shortest lifetime the route allows: everything below up to the expiry runs well inside it.
    const { path, url, share: link } = await share(owner, id, { scope: "anyone", expiresInSeconds: MIN_SHARE_TTL_SECONDS });
    const token = path.split("/")[3] ?? "";
    const visit = await mustVisitShare(path);
    // Entered in a frame, the public link moves to a fresh visit's host each time: one visitor's
    // cookie lives where the link's other recipients cannot send requests.
    const hops = await Promise.all([get(url), get(url)]);
    const hosts = hops.map((h) => new URL(h.headers.get("location") ?? "").hostname);
    for (const [i, hop] of hops.entries()) {
      expect(hop.status).toBe(303);
      expect(hop.headers.getSetCookie()).toEqual([]);
      expect(hosts[i]).toMatch(VISIT_HOST);
      expect(new URL(hop.headers.get("location") ?? "").pathname).toBe(new URL(url).pathname);
    }
    expect(hosts[0]).not.toBe(hosts[1]);
    // The public host holds no visit: the link's cookie counts nowhere but on its visit's host.
    expect((await get(`${new URL(url).origin}/open`, { cookie: visit.cookie })).status).toBe(404);
    expect((await get(`http://${hosts[0]}:${new URL(url).port}/open`, { cookie: `${SHARE_VISIT_COOKIE}=${token}` })).status).toBe(200);
    expect((await visit.get("/open")).status).toBe(200);
    expect(await visit.ws("/socket")).toEqual({ status: 101, message: "hello /socket" });
    // Left open: a socket the link opened ends when the link expires, not only its next request.
    const held = await heldWSAt(`${visit.origin.replace(/^http/, "ws")}/held`, { cookie: visit.cookie });
    const heldClosed = new Promise<number>((resolve) => held.once("close", () => resolve(Date.now())));
    // The link's cookie is for its own session's host only.
    const other = await createSession(owner, { name: "anyone-share-other", start: false });
    const otherOrigin = (await visitPreview(owner, other.id)).origin;
    expect(otherOrigin).not.toBe(visit.origin);
    expect((await get(`${otherOrigin}/open`, { cookie: visit.cookie })).status).toBe(404);

    // The token is nothing on the session's other runtime routes, HTTP or WebSocket.
    const asBearer = { authorization: `Bearer ${token}` };
    for (const route of ["files/tree?path=.", "files/content?path=preview-server.cjs", "preview/"]) {
      expect((await get(`/runtime/sessions/${id}/${route}`, asBearer)).status, route).toBe(401);
    }
    expect(await TerminalClient.upgradeStatus(id, asBearer)).toBe(401);
    expect(await TerminalClient.upgradeStatus(id, asBearer, "ssh")).toBe(401);
    expect((await openWS(`/runtime/sessions/${id}/ssh?token=${token}`)).status).toBe(401);
    // Nor can the link's path be bent towards them.
    for (const rest of ["..%2Fterminal", "a/%2e%2e%2f%2e%2e%2fterminal", "%5c..%5cfiles/tree"]) {
      expect((await get(`${path}${rest}`)).status, rest).toBe(400);
      expect((await visit.get(`/${rest}`)).status, rest).toBe(400);
    }

    // Waits on the link's own expiry time, touching nothing: every visit is in the access log below.
    const expiresAt = Date.parse(link.expiresAt);
    await until(() => Date.now() > expiresAt, "the link's expiresAt to pass", (MIN_SHARE_TTL_SECONDS + 10) * 1000);
    const closedAt = await Promise.race([heldClosed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))]);
    expect(closedAt, "the socket opened through the link was still open 5 s after the link expired").not.toBeNull();
    expect(closedAt ?? 0).toBeGreaterThanOrEqual(expiresAt - 1000);
    expect((await visit.get("/open")).status).toBe(410);
    expect((await visit.ws("/socket")).status).toBe(410);
    const log = await accessLog(owner, id);
    expect(log.filter((e) => e.outcome === "allowed").map((e) => [e.path, e.websocket, e.userId])).toEqual([
      ["/held", true, null],
      ["/socket", true, null],
      ["/open", false, null],
      ["/open", false, null],
    ]);
    expect(log.filter((e) => e.reason === "expired")).toHaveLength(2);
  }, 180_000);

  it("dies with its session", async () => {
    const owner = await createStackUser();
    const id = await sessionWithPreviewServer(owner, "dying-share");
    const { path } = await share(owner, id, { scope: "anyone" });
    const visit = await mustVisitShare(path);
    expect((await visit.get("/x")).status).toBe(200);
    await expectOK(await api(owner, "DELETE /api/sessions/{sessionId}", { params: { sessionId: id } }));
    expect((await visit.get("/x")).status).toBe(410);
    expect((await visit.ws("/x")).status).toBe(410);
    expect((await get(`${path}x`)).status).toBe(410);
  });

  it("a visit to a sleeping session's link shows a waking page and wakes it within the owner's quota", async () => {
    const owner = await createStackUser();
    // The built-in starter's manifest (written once, in its seed migration) with a short idle timeout.
    const starter = templateVersionSchema.parse(
      await expectOK(
        await api(owner, "GET /api/templates/{templateId}/versions/{versionId}", {
          params: { templateId: "tpl_builtin_starter", versionId: "tpv_builtin_starter_1" },
        }),
      ),
    );
    const session = await createSessionWithManifest(owner, { ...starter.manifest, idleTimeoutSeconds: 5 }, { name: "sleepy-share" });
    const { path } = await share(owner, session.id, { scope: "anyone" });
    await until(async () => (await getSession(owner, session.id)).state === "sleeping", "idle sleep", 40_000);

    const visit = await mustVisitShare(path, { accept: "text/html" });
    const waking = await visit.get("/", { accept: "text/html" });
    expect(waking.status).toBe(503);
    expect(waking.headers.get("retry-after")).toBe("2");
    expect(await waking.text()).toContain('data-reason="waking"');
    const page = await until(
      async () => {
        const res = await visit.get("/", { accept: "text/html" });
        const text = await res.text();
        return res.status === 200 && text.includes("Hello from BurstFlare") ? text : null;
      },
      "the woken preview",
      60_000,
    );
    expect(page).toContain("Hello from BurstFlare");
    expect((await getSession(owner, session.id)).state).toBe("running");
  });
});
