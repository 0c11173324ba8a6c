import { env, exports } from "cloudflare:workers";
import type { ErrorBody } from "@burstflare/sdk/errors";
import { createApiTokenResponseSchema } from "@burstflare/sdk/schemas/auth";
import { previewVisitResponse } from "@burstflare/sdk/schemas/preview";
import { describe, expect, it } from "vitest";
import { mintVisit, previewHostOf, previewOriginFor, sessionIdFromLabel, sessionLabel } from "../../src/preview/origin";
import { hardenPreviewResponse, isAllowedPreviewCookie } from "../../src/preview/sandbox";
import { previewGrantSubject, signVisitGrant, VISIT_GRANT_TTL_MS } from "../../src/preview/visit-grants";
import { BrowserClient, signInWithPasskey, signUpWithPasskey } from "../helpers/browser";
import { insertTestSession, setTestSessionLifecycle } from "../helpers/snapshots";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * The owner preview's visit grants through the Worker with real D1 and session DOs. Previews are
 * served on a host per visit, `<label>[-<port>]-v<visit>.localhost:8787` (PREVIEW_ORIGIN in
 * wrangler.toml); a grant is traded there for that host's visit cookie. The session is `stopped`, so a visit the host accepts reaches the
 * DO and gets its 409 (through the sandbox headers), while a refused one stops at 401/403/404
 * first. Preview traffic itself: test/stack/preview-sandbox.test.ts.
 */

const APP = "http://localhost:8787";
const fetchWorker = (url: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(url.startsWith("http") ? url : `${APP}${url}`, { redirect: "manual", headers }));

async function codeOf(res: Response): Promise<[number, string]> {
  return [res.status, ((await res.json()) as ErrorBody).error.code];
}

/** The user's live sign-in (createTestUser's CLI one): what a grant minted from it names. */
async function signInOf(userId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM sign_ins WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at LIMIT 1")
    .bind(userId)
    .first<{ id: string }>();
  return row?.id ?? "";
}

/** The visit these tests' hand-made grants are bound to, and its host. */
const VISIT = mintVisit();
const visitOrigin = (sessionId: string, visit = VISIT) => previewOriginFor(env, sessionId, null, visit);
/** `http://<label>-v<visit>.localhost:8787`: a freshly minted visit's host of this session. */
const visitHostOf = (sessionId: string) => new RegExp(`^http://${sessionLabel(sessionId)}-v[a-z2-7]{20}\\.localhost:8787$`);

const grantFor = async (sessionId: string, userId: string, opts: { purpose?: "preview" | "share"; expiresAt?: number } = {}) =>
  signVisitGrant(
    env,
    opts.purpose ?? "preview",
    previewGrantSubject(sessionId, null, VISIT),
    { userId, credential: { kind: "sign_in", id: await signInOf(userId) } },
    opts.expiresAt ?? Date.now() + 60_000,
  );

/** A request on the session's preview host carrying `grant` as its visit cookie. */
const onHost = (sessionId: string, grant: string, path: string, headers: Record<string, string> = {}, origin = visitOrigin(sessionId)) =>
  fetchWorker(`${origin}${path}`, { cookie: `__Host-bf_preview=${grant}`, ...headers });

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

  it("leave the app to APP_ORIGIN's host alone: any other name routed to the Worker gets 404", async () => {
    for (const host of ["http://evil.example:8787", "http://127.0.0.1:8787", "http://localhost.evil.example:8787", "http://[::1]:8787"]) {
      const res = await fetchWorker(`${host}/api/health`);
      expect(res.status, host).toBe(404);
      expect(await codeOf(res), host).toEqual([404, "not_found"]);
      expect((await fetchWorker(`${host}/`)).status, `${host}/`).toBe(404);
    }
    // The same host spelled with a trailing dot or in capitals is still the app.
    for (const host of ["http://localhost.:8787", "http://LOCALHOST:8787", "http://localhost"]) {
      expect((await fetchWorker(`${host}/api/health`)).status, host).toBe(200);
    }
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
    expect(enter.origin).toMatch(visitHostOf(sessionId));
    expect(enter.pathname).toBe("/__burstflare/enter");
    expect(enter.searchParams.get("to")).toBe("/a/b.html?q=1&r=%2F");
    const signIn = await signInOf(owner.userId);
    const m = new RegExp(`^v2\\.${owner.userId}\\.s${signIn}\\.([0-9a-z]+)\\.[A-Za-z0-9_-]{22}$`).exec(
      enter.searchParams.get("grant") ?? "",
    );
    expect(m).not.toBeNull();
    const exp = Number.parseInt(m?.[1] ?? "", 36);
    expect(exp).toBeGreaterThanOrEqual(before + VISIT_GRANT_TTL_MS);
    expect(exp).toBeLessThanOrEqual(Date.now() + VISIT_GRANT_TTL_MS);

    // The entry sets the host-only visit cookie and moves to the clean path.
    const entered = await fetchWorker(enter.toString());
    expect(entered.status).toBe(303);
    expect(entered.headers.get("location")).toBe("/a/b.html?q=1&r=%2F");
    const cookie = entered.headers.getSetCookie()[0] ?? "";
    expect(cookie).toMatch(/^__Host-bf_preview=v2\.[^;]+; Path=\/; Max-Age=43200; HttpOnly; Secure; SameSite=None; Partitioned$/);

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
    const html = await page.text();
    const framed = new URL((/src="([^"]+)"/.exec(html)?.[1] ?? "").replace(/&#38;/g, "&"));
    expect(framed.origin).toMatch(visitHostOf(sessionId));
    expect(csp).toContain(`frame-src ${framed.origin};`);
    expect(csp).toContain("default-src 'none'");
    expect(html).not.toContain("<script");
    expect(html).toContain(`src="${framed.origin}/__burstflare/enter?grant=v2.`);
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
    expect(body.origin).toMatch(visitHostOf(sessionId));
    const url = new URL(body.url);
    expect(url.origin).toBe(body.origin);
    expect(url.searchParams.get("to")).toBe("/docs?q=1");
    expect(url.searchParams.get("grant")).toMatch(new RegExp(`^v2\\.${owner.userId}\\.s${await signInOf(owner.userId)}\\.`));
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
    const origin = visitOrigin(sessionId);
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

    const members = `/api/workspaces/current/members/${member.userId}`;
    expect((await call("PATCH", members, { user: owner, body: { role: "viewer" } })).status).toBe(200);
    expect(await codeOf(await onHost(sessionId, grant, "/page"))).toEqual([403, "forbidden"]);
    expect((await call("PATCH", members, { user: owner, body: { role: "admin" } })).status).toBe(200);
    expect((await onHost(sessionId, grant, "/page")).status).toBe(409);
    expect((await call("DELETE", members, { user: owner })).status).toBe(200);
    expect(await codeOf(await onHost(sessionId, grant, "/page"))).toEqual([404, "not_found"]);

    // Someone who was never a member, with a correctly signed grant, learns nothing either.
    const stranger = await createTestUser();
    expect(await codeOf(await onHost(sessionId, await grantFor(sessionId, stranger.userId), "/page"))).toEqual([404, "not_found"]);

    const ownerGrant = await grantFor(sessionId, owner.userId);
    // fixture-sql: no route deletes an account yet, but the visit check honours users.deleted_at
    await env.DB.prepare("UPDATE users SET deleted_at = ? WHERE id = ?").bind(Date.now(), owner.userId).run();
    expect((await onHost(sessionId, ownerGrant, "/page")).status).toBe(404);
    // fixture-sql: undoes the account deletion above, which no route can do either
    await env.DB.prepare("UPDATE users SET deleted_at = NULL WHERE id = ?").bind(owner.userId).run();
    expect((await onHost(sessionId, ownerGrant, "/page")).status).toBe(409);
    await setTestSessionLifecycle(sessionId, "deleted");
    expect((await onHost(sessionId, ownerGrant, "/page")).status).toBe(404);
  });

  it("refuses paths that leave the preview, entry targets off the host, and serves nothing at the old app-origin grant paths", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const grant = await grantFor(sessionId, owner.userId);
    for (const rest of ["/..%2Fterminal", "/a/%2e%2e%2f%2e%2e%2fterminal", "/%5c..%5cfiles/tree", "/a%00b"]) {
      expect(await codeOf(await onHost(sessionId, grant, rest)), rest).toEqual([400, "bad_request"]);
    }
    const origin = visitOrigin(sessionId);
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

describe("owner preview: a grant lasts only as long as the credential that asked for it", () => {
  /** Trades an enter URL for the host's visit cookie, as the browser does. */
  async function enter(url: string): Promise<string> {
    const entered = await fetchWorker(url);
    expect(entered.status).toBe(303);
    return entered.headers.getSetCookie()[0]?.split(";")[0]?.split("=").slice(1).join("=") ?? "";
  }

  /** The visit works over HTTP and WebSocket (the stopped session's DO answers 409 to both). */
  async function expectVisitWorks(sessionId: string, grant: string, origin?: string): Promise<void> {
    expect((await onHost(sessionId, grant, "/page", {}, origin)).status).toBe(409);
    expect((await onHost(sessionId, grant, "/hmr", upgrade, origin)).status).toBe(409);
  }

  async function expectVisitRefused(sessionId: string, grant: string, enterURL: string): Promise<void> {
    const origin = new URL(enterURL).origin;
    expect(await codeOf(await onHost(sessionId, grant, "/page", {}, origin))).toEqual([401, "unauthorized"]);
    expect(await codeOf(await onHost(sessionId, grant, "/hmr", upgrade, origin))).toEqual([401, "unauthorized"]);
    const again = await fetchWorker(enterURL);
    expect(await codeOf(again)).toEqual([401, "unauthorized"]);
    expect(again.headers.getSetCookie()).toEqual([]);
  }

  it("an API token's grant is refused once the token is deleted, on HTTP and on WebSocket upgrades", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const created = await call("POST", "/api/auth/tokens", { user: owner, body: { name: "ci" } });
    expect(created.status).toBe(200);
    const { token, apiToken } = createApiTokenResponseSchema.parse(await created.json());
    const visit = await call("POST", `/api/sessions/${sessionId}/preview-visit`, {
      headers: { authorization: `Bearer ${token}` },
      body: { path: "/page" },
    });
    expect(visit.status).toBe(200);
    const { url } = previewVisitResponse.parse(await visit.json());
    const grant = await enter(url);
    expect(grant).toMatch(new RegExp(`^v2\\.${owner.userId}\\.t${apiToken.id}\\.`));
    await expectVisitWorks(sessionId, grant, new URL(url).origin);

    expect((await call("DELETE", `/api/auth/tokens/${apiToken.id}`, { user: owner })).status).toBe(200);
    await expectVisitRefused(sessionId, grant, url);
    // The user's other credentials still open the preview: only what the token opened ended.
    await expectVisitWorks(sessionId, await grantFor(sessionId, owner.userId));
  });

  it("a sign-in's grant is refused once that sign-in is revoked, or after logging out everywhere", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const signIn = await signInOf(owner.userId);
    const redirect = await fetchWorker(`/runtime/sessions/${sessionId}/preview/page`, owner.headers);
    expect(redirect.status).toBe(303);
    const url = redirect.headers.get("location") ?? "";
    const grant = await enter(url);
    expect(grant).toMatch(new RegExp(`^v2\\.${owner.userId}\\.s${signIn}\\.`));
    await expectVisitWorks(sessionId, grant, new URL(url).origin);
    expect((await call("DELETE", `/api/auth/sign-ins/${signIn}`, { user: owner })).status).toBe(200);
    await expectVisitRefused(sessionId, grant, url);

    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    const memberVisit = await call("POST", `/api/sessions/${sessionId}/preview-visit`, { user: member, body: { path: "/" } });
    const memberURL = previewVisitResponse.parse(await memberVisit.json()).url;
    const memberGrant = await enter(memberURL);
    await expectVisitWorks(sessionId, memberGrant, new URL(memberURL).origin);
    expect((await call("POST", "/api/auth/logout-all", { user: member })).status).toBe(200);
    await expectVisitRefused(sessionId, memberGrant, memberURL);
  });

  it("a grant naming another user's credential is refused, even correctly signed", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    const borrowed = await signVisitGrant(
      env,
      "preview",
      previewGrantSubject(sessionId, null, VISIT),
      { userId: member.userId, credential: { kind: "sign_in", id: await signInOf(owner.userId) } },
      Date.now() + 60_000,
    );
    expect(await codeOf(await onHost(sessionId, borrowed, "/page"))).toEqual([401, "unauthorized"]);
  });
});

describe("share link entry on a preview host", () => {
  it("never turns anything but a strict `<token>[.<grant>]` into a Set-Cookie", async () => {
    const { sessionId } = await ownerWithSession();
    const origin = visitOrigin(sessionId);
    const token = `bfsh_${"A".repeat(43)}`;
    const grantLike = `v2.usr_x.sas_y.zz.${"A".repeat(22)}`;
    for (const segment of [
      `${token}.x;Max-Age=1;Path=/`,
      `${token}.x%3BMax-Age=1%3BPath=/`,
      `${token}.${grantLike};Domain=localhost`,
      `${token}.${grantLike}%3BDomain=localhost`,
      `${token}.${grantLike}.`,
      `${token}.`,
      `${token};Path=/`,
    ]) {
      const res = await fetchWorker(`${origin}/__burstflare/share/${segment}/`);
      expect([400, 404], segment).toContain(res.status);
      expect(res.headers.getSetCookie(), segment).toEqual([]);
    }
    // The strict forms are still entered (the gateway checks the link itself on every request).
    for (const segment of [token, `${token}.${grantLike}`]) {
      const res = await fetchWorker(`${origin}/__burstflare/share/${segment}/`);
      expect(res.status, segment).toBe(303);
      expect(res.headers.getSetCookie()[0], segment).toMatch(new RegExp(`^__Host-bf_share=${segment.replace(/\./g, "\\.")}; Path=/;`));
    }
  });

  it("on the session's public host sets no cookie: it moves each entry to a fresh visit's host, dropping any grant", async () => {
    const { sessionId } = await ownerWithSession();
    const token = `bfsh_${"A".repeat(43)}`;
    const grantLike = `v2.usr_x.sas_y.zz.${"A".repeat(22)}`;
    const seen = new Set<string>();
    for (const segment of [token, `${token}.${grantLike}`]) {
      const res = await fetchWorker(`${previewOriginFor(env, sessionId)}/__burstflare/share/${segment}/a?b=1`);
      expect(res.status, segment).toBe(303);
      expect(res.headers.getSetCookie(), segment).toEqual([]);
      const to = new URL(res.headers.get("location") ?? "");
      expect(to.origin, segment).toMatch(visitHostOf(sessionId));
      expect(`${to.pathname}${to.search}`, segment).toBe(`/__burstflare/share/${token}/a?b=1`);
      seen.add(to.origin);
    }
    expect(seen.size).toBe(2);
  });
});

describe("a host per visit", () => {
  it("parses one way: the session, a port, a visit; anything else names no session", () => {
    const id = "ses_AbCdEfGhIjKlMnOp";
    const label = sessionLabel(id);
    const visit = mintVisit();
    const at = (host: string) => previewHostOf(env, new URL(`http://${host}.localhost:8787/`));
    expect(at(label)).toEqual({ sessionId: id, port: null, visit: null });
    expect(at(`${label}-4200`)).toEqual({ sessionId: id, port: 4200, visit: null });
    expect(at(`${label}-v${visit}`)).toEqual({ sessionId: id, port: null, visit });
    expect(at(`${label}-4200-v${visit}`)).toEqual({ sessionId: id, port: 4200, visit });
    expect(new URL(previewOriginFor(env, id, 65535, visit)).hostname.split(".")[0]?.length).toBeLessThanOrEqual(63);
    for (const bad of [
      `${label}-v${visit}x`,
      `${label}-v${visit.slice(1)}`,
      `${label}-v${visit}-4200`,
      `${label}-0-v${visit}`,
      `${label}v${visit}`,
    ]) {
      expect(at(bad), bad).toEqual({ sessionId: null, port: null, visit: null });
    }
    expect(mintVisit()).not.toBe(visit);
  });

  it("a grant and its cookie work only on the visit's host they were minted with", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const res = await call("POST", `/api/sessions/${sessionId}/preview-visit`, { user: owner, body: { path: "/" } });
    const { url } = previewVisitResponse.parse(await res.json());
    const grant = new URL(url).searchParams.get("grant") ?? "";
    expect((await fetchWorker(url)).status).toBe(303);
    const cookie = { cookie: `__Host-bf_preview=${grant}` };
    expect((await fetchWorker(`${new URL(url).origin}/x`, cookie)).status).toBe(409);
    for (const origin of [
      visitOrigin(sessionId, mintVisit()),
      previewOriginFor(env, sessionId),
      previewOriginFor(env, sessionId, 4200, /-v([a-z2-7]{20})\./.exec(url)?.[1] ?? null),
    ]) {
      const entry = await fetchWorker(`${origin}/__burstflare/enter?grant=${encodeURIComponent(grant)}&to=/x`);
      expect(await codeOf(entry), origin).toEqual([401, "unauthorized"]);
      expect(await codeOf(await fetchWorker(`${origin}/x`, cookie)), origin).toEqual([404, "not_found"]);
      expect((await fetchWorker(`${origin}/ws`, { ...cookie, ...upgrade })).status, origin).toBe(404);
    }
  });
});

describe("the previewed app's other headers", () => {
  it("never carry Clear-Site-Data, Refresh or Link to the browser", async () => {
    const upstream = new Response("<p>app</p>", {
      headers: [
        ["content-type", "text/html"],
        ["clear-site-data", '"cookies", "storage"'],
        ["refresh", "0; url=https://evil.example/"],
        ["link", "<https://evil.example/x.js>; rel=preload; as=script"],
        ["link", "<http://localhost:8787/api/auth/logout>; rel=prefetch"],
        ["x-app", "kept"],
      ],
    });
    const out = hardenPreviewResponse(upstream);
    for (const name of ["clear-site-data", "refresh", "link"]) expect(out.headers.get(name), name).toBeNull();
    expect(out.headers.get("x-app")).toBe("kept");
    expect(await out.text()).toBe("<p>app</p>");
  });

  it("filters the Set-Cookie lines of a WebSocket handshake like any other response's, keeping the socket", () => {
    const pair = new WebSocketPair();
    const handshake = new Response(null, {
      status: 101,
      webSocket: pair[1],
      headers: [
        ["set-cookie", "bf_session=evil; Domain=localhost; Path=/"],
        ["set-cookie", "__Host-bf_preview=evil; Path=/; Secure"],
        ["set-cookie", "=bf_csrf=evil"],
        ["set-cookie", "ok=1; Path=/"],
        ["clear-site-data", '"*"'],
        ["sec-websocket-protocol", "vite-hmr"],
      ],
    });
    const out = hardenPreviewResponse(handshake);
    expect(out.status).toBe(101);
    expect(out.webSocket).toBe(pair[1]);
    expect(out.headers.getSetCookie()).toEqual(["ok=1; Path=/"]);
    expect(out.headers.get("clear-site-data")).toBeNull();
    expect(out.headers.get("sec-websocket-protocol")).toBe("vite-hmr");
    pair[0].accept();
    pair[0].close(1000, "done");
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
