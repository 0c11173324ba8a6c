import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../sdk/errors";
import { previewVisitResponse } from "../../sdk/schemas/preview";
import { previewOriginFor, sessionIdFromLabel, sessionLabel } from "../src/preview/origin";
import { isAllowedPreviewCookie } from "../src/preview/sandbox";
import { signVisitGrant, VISIT_GRANT_TTL_MS } from "../src/preview/visit-grants";
import { BrowserClient, signInWithPasskey, signUpWithPasskey } from "./helpers/browser";
import { insertTestSession } from "./helpers/snapshots";
import { call, createTestUser, type TestUser } from "./helpers/users";

/**
 * The owner preview's visit grants through the Worker with real D1 and session DOs. Previews are
 * served on `<label>.localhost:8787` (PREVIEW_ORIGIN in wrangler.toml); a grant is traded there
 * for the host's visit cookie. The session is `stopped`, so a visit the host accepts reaches the
 * DO and gets its 409 (through the sandbox headers), while a refused one stops at 401/403/404
 * first. Preview traffic itself: test/stack/preview-sandbox.test.ts.
 */

const APP = "http://localhost:8787";
const fetchWorker = (url: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(url.startsWith("http") ? url : `${APP}${url}`, { redirect: "manual", headers }));

async function codeOf(res: Response): Promise<[number, string]> {
  return [res.status, ((await res.json()) as ErrorBody).error.code];
}

const grantFor = (sessionId: string, userId: string, opts: { purpose?: "preview" | "share"; expiresAt?: number } = {}) =>
  signVisitGrant(env, opts.purpose ?? "preview", sessionId, userId, opts.expiresAt ?? Date.now() + 60_000);

/** A request on the session's preview host carrying `grant` as its visit cookie. */
const onHost = (sessionId: string, grant: string, path: string, headers: Record<string, string> = {}) =>
  fetchWorker(`${previewOriginFor(env, sessionId)}${path}`, { cookie: `__Host-bf_preview=${grant}`, ...headers });

async function ownerWithSession(): Promise<{ owner: TestUser; sessionId: string }> {
  const owner = await createTestUser();
  return { owner, sessionId: await insertTestSession(owner.workspaceId, owner.userId, "stopped") };
}

const upgrade = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-version": "13",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
};
const navigate = { accept: "text/html", "sec-fetch-mode": "navigate" };

describe("preview hostnames", () => {
  it("name a session by a lowercase label that round-trips exactly and fits a DNS label", async () => {
    for (const id of ["ses_AbCdEfGhIjKlMnOp", "ses_-_-_zzZZ09", "a", "X".repeat(39)]) {
      const label = sessionLabel(id);
      expect(label).toMatch(/^[a-z2-7]{1,63}$/);
      expect(sessionIdFromLabel(label)).toBe(id);
    }
    // Case differs only in the id, never in the label: the two sessions get two hosts.
    expect(sessionLabel("ses_abc")).not.toBe(sessionLabel("ses_ABC"));
    expect(() => sessionLabel("X".repeat(40))).toThrow();
    // Only the one canonical label of a valid id names a session.
    for (const label of ["", "ses_abc", "ABC", "a".repeat(64), `${sessionLabel("ses_abc")}a`, "74"]) {
      expect(sessionIdFromLabel(label), label).toBeNull();
    }
    expect(previewOriginFor(env, "ses_abc")).toBe(`http://${sessionLabel("ses_abc")}.localhost:8787`);
  });

  it("answer nothing of the app: no /api, no runtime routes, no SPA, no share pages", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const origin = previewOriginFor(env, sessionId);
    const app = { cookie: `bf_session=${owner.token}`, ...owner.headers };
    for (const path of ["/api/health", "/api/auth/me", `/runtime/sessions/${sessionId}/files/tree?path=.`, "/runtime/share/x/", "/"]) {
      const res = await fetchWorker(`${origin}${path}`, app);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain(owner.email);
    }
    // A host that names no session, and a deeper name, are preview hosts too (never the app).
    expect((await fetchWorker("http://nosuchlabel1.localhost:8787/api/health")).status).toBe(404);
    expect((await fetchWorker(`http://a.${new URL(origin).host}/api/health`)).status).toBe(404);
    expect((await fetchWorker("/api/health")).status).toBe(200);
  });
});

describe("owner preview: the session route hands out grants for the preview host", () => {
  it("redirects a signed-in request to the host's entry with a 12-hour grant for this user and session, path and query kept", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const before = Date.now();
    const res = await fetchWorker(`/runtime/sessions/${sessionId}/preview/a/b.html?q=1&r=%2F`, { cookie: `bf_session=${owner.token}` });
    expect(res.status).toBe(303);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const enter = new URL(res.headers.get("location") ?? "");
    expect(enter.origin).toBe(previewOriginFor(env, sessionId));
    expect(enter.pathname).toBe("/__burstflare/enter");
    expect(enter.searchParams.get("to")).toBe("/a/b.html?q=1&r=%2F");
    const m = new RegExp(`^v1\\.${owner.userId}\\.([0-9a-z]+)\\.[A-Za-z0-9_-]{22}$`).exec(enter.searchParams.get("grant") ?? "");
    expect(m).not.toBeNull();
    const exp = Number.parseInt(m?.[1] ?? "", 36);
    expect(exp).toBeGreaterThanOrEqual(before + VISIT_GRANT_TTL_MS);
    expect(exp).toBeLessThanOrEqual(Date.now() + VISIT_GRANT_TTL_MS);

    // The entry sets the host-only visit cookie and moves to the clean path.
    const entered = await fetchWorker(enter.toString());
    expect(entered.status).toBe(303);
    expect(entered.headers.get("location")).toBe("/a/b.html?q=1&r=%2F");
    const cookie = entered.headers.getSetCookie()[0] ?? "";
    expect(cookie).toMatch(/^__Host-bf_preview=v1\.[^;]+; Path=\/; Max-Age=43200; HttpOnly; Secure; SameSite=None; Partitioned$/);

    // With the cookie the stopped session's DO answers, sandboxed.
    const through = await fetchWorker(`${enter.origin}/a/b.html?q=1&r=%2F`, { cookie: cookie.split(";")[0] ?? "" });
    expect(through.headers.get("content-security-policy")).toContain("sandbox allow-scripts");
    expect(through.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await codeOf(through)).toEqual([409, "invalid_state"]);
  });

  it("gives a tab the app's viewer page framing the preview host; the host sends tabs back to it", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const tab = { cookie: `bf_session=${owner.token}`, ...navigate, "sec-fetch-dest": "document" };
    const page = await fetchWorker(`/runtime/sessions/${sessionId}/preview/x?y=1`, tab);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain(`frame-src ${previewOriginFor(env, sessionId)};`);
    expect(csp).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).not.toContain("<script");
    expect(html).toContain(`src="${previewOriginFor(env, sessionId)}/__burstflare/enter?grant=v1.`);
    expect(html).toContain('sandbox="allow-scripts allow-forms allow-popups allow-modals allow-downloads"');

    const grant = await grantFor(sessionId, owner.userId);
    const top = await onHost(sessionId, grant, "/x?y=1", { ...navigate, "sec-fetch-dest": "document" });
    expect(top.status).toBe(303);
    expect(top.headers.get("location")).toBe(`${APP}/runtime/sessions/${sessionId}/preview/x?y=1`);
  });

  it("keeps the existing checks before any grant: signed out 401, viewer 403, another workspace 404; upgrades never served here", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const stranger = await createTestUser();
    const path = `/runtime/sessions/${sessionId}/preview/`;
    expect(await codeOf(await fetchWorker(path))).toEqual([401, "unauthorized"]);
    expect(await codeOf(await fetchWorker(path, viewer.headers))).toEqual([403, "forbidden"]);
    expect(await codeOf(await fetchWorker(path, stranger.headers))).toEqual([404, "not_found"]);
    expect(await codeOf(await fetchWorker(`${path}hmr`, { ...owner.headers, ...upgrade }))).toEqual([404, "not_found"]);
  });
});

describe("POST /api/sessions/:id/preview-visit (the workbench's frame)", () => {
  it("returns a grant URL on the session's preview host for the caller, landing on the asked path", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const res = await call("POST", `/api/sessions/${sessionId}/preview-visit`, { user: owner, body: { path: "/docs?q=1" } });
    expect(res.status).toBe(200);
    const body = previewVisitResponse.parse(await res.json());
    expect(body.origin).toBe(previewOriginFor(env, sessionId));
    const url = new URL(body.url);
    expect(url.origin).toBe(body.origin);
    expect(url.searchParams.get("to")).toBe("/docs?q=1");
    expect(url.searchParams.get("grant")).toMatch(new RegExp(`^v1\\.${owner.userId}\\.`));
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(VISIT_GRANT_TTL_MS - 60_000);
    expect((await fetchWorker(body.url)).headers.getSetCookie()[0]).toMatch(/^__Host-bf_preview=/);

    for (const path of ["docs", "//evil.example/", "/a b", "/a\\b", "x".repeat(3000)]) {
      const bad = await call("POST", `/api/sessions/${sessionId}/preview-visit`, { user: owner, body: { path } });
      expect(bad.status, path).toBe(400);
    }
  });
});

describe("owner preview: grants are checked on every request", () => {
  it("refuses expired grants, share-link grants and grants for another session or user", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const otherSession = await insertTestSession(owner.workspaceId, owner.userId, "stopped");
    expect((await onHost(sessionId, await grantFor(sessionId, owner.userId), "/x")).status).toBe(409);

    const expired = await grantFor(sessionId, owner.userId, { expiresAt: Date.now() - 1 });
    const forShare = await grantFor(sessionId, owner.userId, { purpose: "share" });
    const forOther = await grantFor(otherSession, owner.userId);
    const origin = previewOriginFor(env, sessionId);
    for (const grant of [expired, forShare, forOther]) {
      const entry = await fetchWorker(`${origin}/__burstflare/enter?grant=${encodeURIComponent(grant)}&to=/x`);
      expect(await codeOf(entry), grant).toEqual([401, "unauthorized"]);
      expect(entry.headers.getSetCookie()).toEqual([]);
      expect(await codeOf(await onHost(sessionId, grant, "/x")), grant).toEqual([404, "not_found"]);
      expect((await onHost(sessionId, grant, "/ws", upgrade)).status, grant).toBe(404);
    }
    // A stale visit in a browser goes back to the session route for a new grant.
    const stale = await onHost(sessionId, expired, "/deep/page?q=1", navigate);
    expect(stale.status).toBe(303);
    expect(stale.headers.get("location")).toBe(`${APP}/runtime/sessions/${sessionId}/preview/deep/page?q=1`);
    const staleEntry = await fetchWorker(`${origin}/__burstflare/enter?grant=${expired}&to=/deep`, navigate);
    expect(staleEntry.headers.get("location")).toBe(`${APP}/runtime/sessions/${sessionId}/preview/deep`);
  });

  it("re-reads the user's role: viewer 403, removed member, deleted user or deleted session 404", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    const grant = await grantFor(sessionId, member.userId);
    expect((await onHost(sessionId, grant, "/page")).status).toBe(409);

    await env.DB.prepare("UPDATE memberships SET role = 'viewer' WHERE user_id = ?").bind(member.userId).run();
    expect(await codeOf(await onHost(sessionId, grant, "/page"))).toEqual([403, "forbidden"]);
    await env.DB.prepare("UPDATE memberships SET role = 'admin' WHERE user_id = ?").bind(member.userId).run();
    expect((await onHost(sessionId, grant, "/page")).status).toBe(409);
    await env.DB.prepare("DELETE FROM memberships WHERE user_id = ?").bind(member.userId).run();
    expect(await codeOf(await onHost(sessionId, grant, "/page"))).toEqual([404, "not_found"]);

    // Someone who was never a member, with a correctly signed grant, learns nothing either.
    const stranger = await createTestUser();
    expect(await codeOf(await onHost(sessionId, await grantFor(sessionId, stranger.userId), "/page"))).toEqual([404, "not_found"]);

    const ownerGrant = await grantFor(sessionId, owner.userId);
    await env.DB.prepare("UPDATE users SET deleted_at = ? WHERE id = ?").bind(Date.now(), owner.userId).run();
    expect((await onHost(sessionId, ownerGrant, "/page")).status).toBe(404);
    await env.DB.prepare("UPDATE users SET deleted_at = NULL WHERE id = ?").bind(owner.userId).run();
    expect((await onHost(sessionId, ownerGrant, "/page")).status).toBe(409);
    await env.DB.prepare("UPDATE sessions SET deleted_at = ? WHERE id = ?").bind(Date.now(), sessionId).run();
    expect((await onHost(sessionId, ownerGrant, "/page")).status).toBe(404);
  });

  it("refuses paths that leave the preview, entry targets off the host, and serves nothing at the old app-origin grant paths", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const grant = await grantFor(sessionId, owner.userId);
    for (const rest of ["/..%2Fterminal", "/a/%2e%2e%2f%2e%2e%2fterminal", "/%5c..%5cfiles/tree", "/a%00b"]) {
      expect(await codeOf(await onHost(sessionId, grant, rest)), rest).toEqual([400, "bad_request"]);
    }
    const origin = previewOriginFor(env, sessionId);
    for (const to of ["//evil.example/x", "https://evil.example/", "/a/%2e%2e%2fx", "x"]) {
      const entry = await fetchWorker(`${origin}/__burstflare/enter?${new URLSearchParams({ grant, to })}`);
      expect(entry.headers.get("location"), to).toBe("/");
    }
    for (const old of [`/runtime/preview/${sessionId}.${grant}/x`, `/runtime/preview/${sessionId}.${grant}`, "/runtime/preview/x"]) {
      expect((await fetchWorker(old)).status, old).toBe(404);
    }
    const oldPage = await fetchWorker(`/runtime/preview/${sessionId}.${grant}/x?q=1`, navigate);
    expect(oldPage.status).toBe(303);
    expect(oldPage.headers.get("location")).toBe(`/runtime/sessions/${sessionId}/preview/x?q=1`);
  });
});

describe("the app's own cookies", () => {
  it("are host-only, so no preview host (a subdomain or a sibling) is ever sent them", async () => {
    const { browser, authenticator } = await signUpWithPasskey();
    const signIn = await signInWithPasskey(new BrowserClient(), authenticator);
    expect(signIn.status).toBe(200);
    const lines = signIn.headers.getSetCookie();
    expect(lines.map((l) => l.split("=")[0]).sort()).toEqual(["bf_csrf", "bf_session"]);
    for (const line of lines) expect(line.toLowerCase(), line).not.toContain("domain=");
    expect(browser.cookies.get("bf_session")).toBeTruthy();
  });
});

describe("the previewed app's Set-Cookie lines", () => {
  it("may set cookies for its own host only", () => {
    for (const line of ["app=1; Path=/", "theme=dark", "x=1; Secure; SameSite=None; Partitioned"]) {
      expect(isAllowedPreviewCookie(line), line).toBe(true);
    }
    for (const line of [
      "=bf_session=evil",
      " =x",
      "novalue",
      "bf_session=evil",
      "BF_CSRF=evil",
      "__Host-bf_preview=evil; Path=/; Secure",
      "__Secure-x=1; Secure",
      "__host-x=1; Secure; Path=/",
      "x=1; Domain=localhost",
      "x=1; path=/; domain=.example.com",
      "x=1;DOMAIN=localhost",
      "a b=1",
    ]) {
      expect(isAllowedPreviewCookie(line), line).toBe(false);
    }
  });
});
