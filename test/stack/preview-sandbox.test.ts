import { describe, expect, it } from "vitest";
import { api, baseURL, createSession, expectOK } from "./helpers/api";
import { openWS, sessionWithPreviewServer } from "./helpers/preview-server";
import { TerminalClient } from "./helpers/terminal";
import { createStackUser, type StackUser } from "./helpers/users";

/**
 * The session's own preview route (/runtime/sessions/:id/preview/*) serves user code, so it only
 * ever answers with a redirect to /runtime/preview/<id>.<grant>/…, where the app runs in the CSP
 * sandbox with no cookie of ours; the grant is re-checked against the user's role every time.
 * Expired and other-purpose grants need the signing key: api/test/preview-grants.test.ts.
 */

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${baseURL()}${path}`, { headers, redirect: "manual" });
const navigate = { accept: "text/html", "sec-fetch-mode": "navigate" };
const cookieOf = (user: StackUser) => ({ cookie: `bf_session=${user.token}; bf_csrf=csrf-secret; theme=dark` });

/** Follows the owner route's redirect and returns the grant URL's prefix `/runtime/preview/<id>.<grant>/`. */
async function grantPrefix(user: StackUser, sessionId: string, headers: Record<string, string> = user.headers): Promise<string> {
  const res = await get(`/runtime/sessions/${sessionId}/preview/`, headers);
  expect(res.status).toBe(307);
  const location = res.headers.get("location") ?? "";
  expect(location).toMatch(new RegExp(`^/runtime/preview/${sessionId}\\.v1\\.${user.userId}\\.[0-9a-z]+\\.[A-Za-z0-9_-]{22}/$`));
  return location;
}

describe("the owner's preview runs sandboxed under a signed visit grant", () => {
  it("redirects cookie and bearer requests to a grant URL that serves the app sandboxed, without cookies, over HTTP and WebSocket", async () => {
    const owner = await createStackUser();
    const id = await sessionWithPreviewServer(owner, "sandboxed");

    // A browser navigation with the session cookie: same path and query, under a fresh grant.
    const nav = await get(`/runtime/sessions/${id}/preview/page/one?x=1&y=%20`, { ...cookieOf(owner), ...navigate });
    expect(nav.status).toBe(307);
    expect(nav.headers.get("cache-control")).toBe("no-store");
    const location = new URL(nav.headers.get("location") ?? "", baseURL());
    expect(location.pathname).toMatch(new RegExp(`^/runtime/preview/${id}\\.v1\\.[^/]+/page/one$`));
    expect(location.search).toBe("?x=1&y=%20");
    const bare = await get(`/runtime/sessions/${id}/preview`, owner.headers);
    expect(bare.headers.get("location")).toMatch(new RegExp(`^/runtime/preview/${id}\\.[^/]+/$`));

    // The grant URL needs no cookie; the app is sandboxed, leaks nothing by Referer, sets none of our cookies.
    const page = await get(`${location.pathname}${location.search}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Shared preview /page/one?x=1&y=%20");
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads");
    expect(csp).not.toContain("allow-same-origin");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.getSetCookie()).toEqual(["app=1; Path=/"]);

    // A top-level visit sends the cookies along: the app sees its own, never ours.
    const prefix = await grantPrefix(owner, id, cookieOf(owner));
    const withCookies = await get(`${prefix}cookies`, cookieOf(owner));
    const text = await withCookies.text();
    expect(text).toContain("cookie: theme=dark</p>");
    expect(text).not.toContain("bf_");

    // Hot reload: the app's WebSocket through the grant, no cookie and an opaque ("null") origin.
    expect(await openWS(`${prefix}hmr`, { origin: "null" })).toEqual({ status: 101, message: "hello /hmr" });
    // The owner route still passes upgrades through (they render nothing), after its checks.
    expect(await openWS(`/runtime/sessions/${id}/preview/hmr`, owner.headers)).toEqual({ status: 101, message: "hello /hmr" });
    expect((await openWS(`/runtime/sessions/${id}/preview/hmr`)).status).toBe(401);

    // Without the trailing slash relative URLs would leave the grant: it is added.
    const noSlash = await get(prefix.slice(0, -1));
    expect(noSlash.status).toBe(308);
    expect(noSlash.headers.get("location")).toBe(prefix);
  });

  it("refuses tampered and other-session grants, and a grant reaches nothing but the preview", async () => {
    const owner = await createStackUser();
    const id = await sessionWithPreviewServer(owner, "grant-a");
    const other = await createSession(owner, { name: "grant-b", start: false });
    const prefix = await grantPrefix(owner, id);
    const credential = prefix.split("/")[3] ?? "";
    const grant = credential.slice(credential.indexOf(".") + 1);
    expect((await get(`${prefix}ok`)).status).toBe(200);

    const tampered = grant.slice(0, -1) + (grant.endsWith("A") ? "B" : "A");
    const otherUser = grant.replace(owner.userId, `${owner.userId}x`);
    const refused: [string, string][] = [
      ["tampered", `/runtime/preview/${id}.${tampered}/`],
      ["another user named", `/runtime/preview/${id}.${otherUser}/`],
      ["session B", `/runtime/preview/${other.id}.${grant}/`],
    ];
    for (const [what, path] of refused) {
      expect((await get(`${path}page`)).status, what).toBe(401);
      expect((await openWS(`${path}hmr`)).status, `${what} (WebSocket)`).toBe(401);
    }
    expect((await get(`/runtime/preview/${id}/page`)).status).toBe(404);
    expect((await get(`/runtime/preview/not%20an%20id.${grant}/page`)).status).toBe(404);
    // A stale grant in the address bar goes back to the owner route, which grants anew from the cookie.
    const stale = await get(`/runtime/preview/${id}.${tampered}/deep/page?q=1`, navigate);
    expect(stale.status).toBe(303);
    expect(stale.headers.get("location")).toBe(`/runtime/sessions/${id}/preview/deep/page?q=1`);

    // Inside the grant every path is the app's: /terminal is the dev server's page, not the shell.
    expect(await (await get(`${prefix}terminal`)).text()).toContain("Shared preview /terminal");
    for (const rest of ["..%2Fterminal", "a/%2e%2e%2f%2e%2e%2fterminal", "%5c..%5cfiles/tree"]) {
      expect((await get(`${prefix}${rest}`)).status, rest).toBe(400);
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

    // A colleague opens the owner's preview (the workbench iframe does this with the cookie).
    const prefix = await grantPrefix(member, id, cookieOf(member));
    expect((await get(`${prefix}page`)).status).toBe(200);
    expect(await openWS(`${prefix}hmr`)).toEqual({ status: 101, message: "hello /hmr" });
    // A viewer never gets a grant.
    expect((await get(`/runtime/sessions/${id}/preview/`, viewer.headers)).status).toBe(403);

    await expectOK(await api(owner, "PATCH", `/api/workspaces/current/members/${member.userId}`, { role: "viewer" }));
    expect((await get(`${prefix}page`)).status).toBe(403);
    expect((await openWS(`${prefix}hmr`)).status).toBe(403);

    await expectOK(await api(owner, "PATCH", `/api/workspaces/current/members/${member.userId}`, { role: "member" }));
    expect((await get(`${prefix}page`)).status).toBe(200);

    await expectOK(await api(owner, "DELETE", `/api/workspaces/current/members/${member.userId}`));
    expect((await get(`${prefix}page`)).status).toBe(404);
    expect((await openWS(`${prefix}hmr`)).status).toBe(404);
    // The owner's own grant is untouched.
    expect((await get(`${await grantPrefix(owner, id)}page`)).status).toBe(200);
  });
});
