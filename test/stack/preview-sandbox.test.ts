import { describe, expect, it } from "vitest";
import { api, baseURL, createSession, expectOK } from "./helpers/api";
import { get, PREVIEW_GRANT_COOKIE, publicOrigin, setCookieValue, VISIT_HOST, visitOn, visitPreview } from "./helpers/preview-host";
import { openWS, sessionWithPreviewServer } from "./helpers/preview-server";
import { TerminalClient } from "./helpers/terminal";
import { createStackUser, type StackUser } from "./helpers/users";

/**
 * The session's own preview route (/runtime/sessions/:id/preview/*) serves user code, so it only
 * ever answers with a redirect to a fresh visit's own host (`<label>-v<visit>.localhost:<port>`), whose
 * entry trades the signed grant for a host-only cookie; the app then runs at `/` in the CSP
 * sandbox, and the grant is re-checked against the user's role on every request. Expired and
 * other-purpose grants need the signing key: api/test/preview/preview-grants.test.ts.
 */

const navigate = { accept: "text/html", "sec-fetch-mode": "navigate" };
const cookieOf = (user: StackUser) => ({ cookie: `bf_session=${user.token}; bf_csrf=csrf-secret; theme=dark` });

describe("the owner's preview runs sandboxed on its own origin", () => {
  it("redirects cookie and bearer requests to the preview host, which serves the app at / without our cookies, over HTTP and WebSocket", async () => {
    const owner = await createStackUser();
    const id = await sessionWithPreviewServer(owner, "sandboxed");

    // A browser navigation with the session cookie: the same path and query, on the preview host.
    const nav = await get(`/runtime/sessions/${id}/preview/page/one?x=1&y=%20`, { ...cookieOf(owner), ...navigate });
    expect(nav.status).toBe(303);
    expect(nav.headers.get("cache-control")).toBe("no-store");
    const enter = new URL(nav.headers.get("location") ?? "");
    expect(enter.hostname).toMatch(VISIT_HOST);
    expect(enter.port).toBe(new URL(baseURL()).port);
    expect(enter.pathname).toBe("/__burstflare/enter");
    expect(enter.searchParams.get("to")).toBe("/page/one?x=1&y=%20");
    expect(enter.searchParams.get("grant")).toMatch(
      new RegExp(`^v2\\.${owner.userId}\\.[st][A-Za-z0-9_-]+\\.[0-9a-z]+\\.[A-Za-z0-9_-]{22}$`),
    );

    // The entry sets a host-only, HttpOnly, partitioned cookie and moves to the clean path.
    const entered = await get(enter.toString());
    expect(entered.status).toBe(303);
    expect(entered.headers.get("location")).toBe("/page/one?x=1&y=%20");
    const [line = ""] = entered.headers.getSetCookie();
    expect(line).toMatch(/^__Host-bf_preview=v2\.[^;]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=None; Partitioned$/);
    expect(line.toLowerCase()).not.toContain("domain=");
    const visit = visitOn(enter.origin, setCookieValue(entered, PREVIEW_GRANT_COOKIE) ?? "");

    // The app at its own path: sandboxed, no Referer leak, none of our cookies set or seen.
    const page = await visit.get("/page/one?x=1&y=%20");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Shared preview /page/one?x=1&y=%20");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads");
    expect(csp).not.toContain("allow-same-origin");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.getSetCookie()).toEqual(["app=1; Path=/"]);
    const withCookies = await visit.get("/cookies", { cookie: `${visit.cookie}; bf_session=${owner.token}; theme=dark` });
    const text = await withCookies.text();
    expect(text).toContain("cookie: theme=dark</p>");
    expect(text).not.toContain("bf_");

    // Hot reload: the app's WebSocket on the preview host with the visit cookie, an opaque origin.
    expect(await visit.ws("/hmr", { origin: "null" })).toEqual({ status: 101, message: "hello /hmr" });
    // The app origin answers no preview traffic: the owner route refuses upgrades after its checks.
    expect((await openWS(`/runtime/sessions/${id}/preview/hmr`, owner.headers)).status).toBe(404);
    expect((await openWS(`/runtime/sessions/${id}/preview/hmr`)).status).toBe(401);
    // Bearer callers get the same redirect; a bare /preview goes to the app's root.
    const bare = await get(`/runtime/sessions/${id}/preview`, owner.headers);
    expect(new URL(bare.headers.get("location") ?? "").searchParams.get("to")).toBe("/");
    // Every grant gets a host of its own, under the session's label.
    expect(publicOrigin(bare.headers.get("location") ?? "")).toBe(publicOrigin(enter.origin));
    expect(new URL(bare.headers.get("location") ?? "").origin).not.toBe(enter.origin);
  });

  it("refuses tampered and other-session grants, and a grant reaches nothing but the preview", async () => {
    const owner = await createStackUser();
    const id = await sessionWithPreviewServer(owner, "grant-a");
    const other = await createSession(owner, { name: "grant-b", start: false });
    const visit = await visitPreview(owner, id);
    const otherOrigin = (await visitPreview(owner, other.id)).origin;
    const anotherVisit = (await visitPreview(owner, id)).origin;
    const grant = new URL(visit.enterURL).searchParams.get("grant") ?? "";
    expect((await visit.get("/ok")).status).toBe(200);

    const tampered = grant.slice(0, -1) + (grant.endsWith("A") ? "B" : "A");
    const otherUser = grant.replace(owner.userId, `${owner.userId}x`);
    const refused: [string, string, string][] = [
      ["tampered", visit.origin, tampered],
      ["another user named", visit.origin, otherUser],
      ["session B's host", otherOrigin, grant],
      // A grant and its cookie count only on the visit's host they were minted with.
      ["another visit's host of the session", anotherVisit, grant],
      ["the session's public host", publicOrigin(visit.origin), grant],
    ];
    for (const [what, origin, g] of refused) {
      const entry = await get(`${origin}/__burstflare/enter?grant=${encodeURIComponent(g)}&to=/page`);
      expect(entry.status, what).toBe(401);
      expect(entry.headers.getSetCookie(), what).toEqual([]);
      const forged = visitOn(origin, `${PREVIEW_GRANT_COOKIE}=${g}`);
      expect((await forged.get("/page")).status, what).toBe(404);
      expect((await forged.ws("/hmr")).status, `${what} (WebSocket)`).toBe(404);
    }
    // A stale visit in the address bar goes back to the owner route, which grants anew from the cookie.
    const stale = await visitOn(visit.origin, `${PREVIEW_GRANT_COOKIE}=${tampered}`).get("/deep/page?q=1", navigate);
    expect(stale.status).toBe(303);
    expect(stale.headers.get("location")).toBe(`${baseURL()}/runtime/sessions/${id}/preview/deep/page?q=1`);
    // Old same-origin grant URLs serve nothing on the app origin.
    expect((await get(`/runtime/preview/${id}.${grant}/page`)).status).toBe(404);
    expect((await get(`/runtime/preview/${id}.${grant}/page`, navigate)).headers.get("location")).toBe(
      `/runtime/sessions/${id}/preview/page`,
    );

    // On the preview host every path is the app's: /terminal is the dev server's page, not the shell.
    expect(await (await visit.get("/terminal")).text()).toContain("Shared preview /terminal");
    for (const rest of ["..%2Fterminal", "a/%2e%2e%2f%2e%2e%2fterminal", "%5c..%5cfiles/tree"]) {
      expect((await visit.get(`/${rest}`)).status, rest).toBe(400);
    }
    // The grant is no credential on the session's other runtime routes (bearer, cookie or ?token=).
    const asGrant: Record<string, string>[] = [{ authorization: `Bearer ${grant}` }, { cookie: `bf_session=${grant}` }];
    for (const headers of asGrant) {
      for (const route of ["files/tree?path=.", "files/content?path=preview-server.cjs", "preview/"]) {
        expect((await get(`/runtime/sessions/${id}/${route}`, headers)).status, route).toBe(401);
      }
      expect(await TerminalClient.upgradeStatus(id, headers)).toBe(401);
      expect(await TerminalClient.upgradeStatus(id, headers, "ssh")).toBe(401);
    }
    expect((await openWS(`/runtime/sessions/${id}/ssh?token=${grant}`)).status).toBe(401);
    expect((await get(`/api/sessions/${id}`, { authorization: `Bearer ${grant}` })).status).toBe(401);
  });

  it("re-checks the user's role on every request: a member demoted to viewer or removed loses the preview at once", async () => {
    const owner = await createStackUser();
    const member = await createStackUser({ workspaceId: owner.workspaceId, role: "member" });
    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const id = await sessionWithPreviewServer(owner, "team-preview");

    // A colleague opens the owner's preview (the workbench's frame does this with the cookie).
    const visit = await visitPreview(cookieOf(member), id);
    expect((await visit.get("/page")).status).toBe(200);
    expect(await visit.ws("/hmr")).toEqual({ status: 101, message: "hello /hmr" });
    // A viewer never gets a grant.
    expect((await get(`/runtime/sessions/${id}/preview/`, viewer.headers)).status).toBe(403);

    await expectOK(
      await api(owner, "PATCH /api/workspaces/current/members/{userId}", { params: { userId: member.userId }, body: { role: "viewer" } }),
    );
    expect((await visit.get("/page")).status).toBe(403);
    expect((await visit.ws("/hmr")).status).toBe(403);

    await expectOK(
      await api(owner, "PATCH /api/workspaces/current/members/{userId}", { params: { userId: member.userId }, body: { role: "member" } }),
    );
    expect((await visit.get("/page")).status).toBe(200);

    await expectOK(await api(owner, "DELETE /api/workspaces/current/members/{userId}", { params: { userId: member.userId } }));
    expect((await visit.get("/page")).status).toBe(404);
    expect((await visit.ws("/hmr")).status).toBe(404);
    // The owner's own visit is untouched.
    expect((await (await visitPreview(owner, id)).get("/page")).status).toBe(200);
  });
});
