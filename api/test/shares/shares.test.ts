import { env, exports } from "cloudflare:workers";
import type { ErrorBody } from "@burstflare/sdk/errors";
import { createApiTokenResponseSchema } from "@burstflare/sdk/schemas/auth";
import { sessionResponse } from "@burstflare/sdk/schemas/sessions";
import { createShareResponse, shareAccessListResponse, shareListResponse, shareResponse } from "@burstflare/sdk/schemas/shares";
import { workspaceSettingsSchema } from "@burstflare/sdk/schemas/workspaces";
import { describe, expect, it } from "vitest";
import { mintVisit, previewOriginFor } from "../../src/preview/origin";
import { countRows } from "../helpers/db";
import { setTestSessionLifecycle } from "../helpers/snapshots";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * Share links through the Worker with real D1 and session DOs. The session is left `stopped`,
 * so a visitor the link admits gets 409 "offline" and one it refuses 401/403: the scope check
 * runs before the session's state is looked at. The app-origin link checks who may open it and
 * moves to the session's preview host (`<label>.localhost:8787`), where the link rides in a
 * host-only cookie and is checked again on every request. Preview traffic itself is in
 * test/stack/shares.
 */

async function stoppedSession(user: TestUser, name = "shared"): Promise<string> {
  const res = await call("POST", "/api/sessions", { user, body: { name, start: false } });
  expect(res.status).toBe(201);
  const { session } = sessionResponse.parse(await res.json());
  await setTestSessionLifecycle(session.id, "stopped");
  return session.id;
}

async function createShare(user: TestUser, sessionId: string, body: Record<string, unknown>) {
  const res = await call("POST", `/api/sessions/${sessionId}/shares`, { user, body: { expiresInSeconds: 3600, ...body } });
  expect(res.status, await res.clone().text()).toBe(201);
  return createShareResponse.parse(await res.json());
}

async function errorOf(res: Response): Promise<{ status: number; code: string; reason?: unknown }> {
  const body = (await res.json()) as ErrorBody;
  return { status: res.status, code: body.error.code, reason: (body.error.details as { reason?: string } | undefined)?.reason };
}

/** A GET as a browser would send it, redirects not followed; paths are on the app origin. */
const visit = (path: string, user?: TestUser, headers: Record<string, string> = {}) =>
  exports.default.fetch(
    new Request(path.startsWith("http") ? path : `http://localhost:8787${path}`, {
      redirect: "manual",
      headers: { "cf-connecting-ip": "203.0.113.7", "user-agent": "share-test/1", ...(user?.headers ?? {}), ...headers },
    }),
  );

const SHARE_COOKIE = "__Host-bf_share";

/**
 * Opens a link like a browser: the app origin's answer, or when it moves on to the preview host,
 * that host's answer to the same path carrying the visit cookie its entry set.
 */
async function openShare(path: string, user?: TestUser, headers: Record<string, string> = {}): Promise<Response> {
  const first = await visit(path, user, headers);
  if (first.status !== 303) return first;
  const enter = new URL(first.headers.get("location") ?? "");
  const entered = await visit(enter.toString());
  const cookie = entered.headers
    .getSetCookie()
    .find((l) => l.startsWith(`${SHARE_COOKIE}=`))
    ?.split(";")[0];
  expect(entered.status).toBe(303);
  expect(cookie).toBeTruthy();
  return visit(`${enter.origin}${entered.headers.get("location")}`, undefined, { cookie: cookie ?? "", ...headers });
}

async function accessLog(user: TestUser, sessionId: string) {
  const res = await call("GET", `/api/sessions/${sessionId}/share-access?limit=500`, { user });
  expect(res.status).toBe(200);
  return shareAccessListResponse.parse(await res.json()).entries;
}

describe("share links: create, list, revoke", () => {
  it("creates a link shown once, stores only its hash, lists and revokes it, and audits both", async () => {
    const owner = await createTestUser();
    const id = await stoppedSession(owner);
    const created = await createShare(owner, id, { scope: "people", emails: ["B@Example.com", "b@example.com"], label: "review" });
    expect(created.path).toMatch(/^\/runtime\/share\/bfsh_[A-Za-z0-9_-]{43}\/$/);
    const url = new URL(created.url);
    expect(url.hostname).toMatch(/^[a-z2-7]+\.localhost$/);
    expect(url.pathname).toBe(created.path.replace("/runtime/share/", "/__burstflare/share/"));
    expect(created.share).toMatchObject({ scope: "people", emails: ["b@example.com"], label: "review", status: "active", accessCount: 0 });
    const token = created.path.split("/")[3] ?? "";
    const stored = await env.DB.prepare("SELECT token_hash FROM preview_shares WHERE id = ?")
      .bind(created.share.id)
      .first<{ token_hash: string }>();
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token);

    const list = shareListResponse.parse(await (await call("GET", `/api/sessions/${id}/shares`, { user: owner })).json());
    expect(list.shares.map((s) => s.id)).toEqual([created.share.id]);

    const revoked = await call("DELETE", `/api/sessions/${id}/shares/${created.share.id}`, { user: owner });
    expect(revoked.status).toBe(200);
    expect(shareResponse.parse(await revoked.json()).share.status).toBe("revoked");
    const again = await call("DELETE", `/api/sessions/${id}/shares/${created.share.id}`, { user: owner });
    expect(again.status).toBe(200);

    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ? ORDER BY created_at")
      .bind(created.share.id)
      .all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["share.create", "share.revoke"]);
  });

  it("refuses bad input with 400 and writes nothing", async () => {
    const owner = await createTestUser();
    const id = await stoppedSession(owner);
    const bad = [
      { scope: "people", expiresInSeconds: 3600 },
      { scope: "people", emails: [], expiresInSeconds: 3600 },
      { scope: "workspace", emails: ["a@example.com"], expiresInSeconds: 3600 },
      { scope: "anyone", expiresInSeconds: 10 },
      { scope: "anyone", expiresInSeconds: 400 * 24 * 3600 },
      { scope: "everyone", expiresInSeconds: 3600 },
      { scope: "people", emails: ["not-an-email"], expiresInSeconds: 3600 },
      { scope: "people", emails: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`), expiresInSeconds: 3600 },
      { scope: "anyone", expiresInSeconds: 3600, label: "x".repeat(81) },
    ];
    for (const body of bad) {
      const res = await call("POST", `/api/sessions/${id}/shares`, { user: owner, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(res)).code).toBe("validation_failed");
    }
    const huge = await call("POST", `/api/sessions/${id}/shares`, { user: owner, body: { scope: "anyone", pad: "x".repeat(300_000) } });
    expect(huge.status).toBe(413);
    expect(await countRows("preview_shares", "session_id = ?", id)).toBe(0);
  });

  it("lets the session's owner and workspace admins manage links; other members 403, viewers 403, strangers 404", async () => {
    const owner = await createTestUser();
    const id = await stoppedSession(owner);
    const admin = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const stranger = await createTestUser();
    const byAdmin = await createShare(admin, id, { scope: "workspace" });
    for (const user of [member, viewer]) {
      expect((await call("GET", `/api/sessions/${id}/shares`, { user })).status).toBe(403);
      expect((await call("GET", `/api/sessions/${id}/share-access`, { user })).status).toBe(403);
      const res = await call("POST", `/api/sessions/${id}/shares`, { user, body: { scope: "anyone", expiresInSeconds: 3600 } });
      expect(res.status).toBe(403);
      expect((await call("DELETE", `/api/sessions/${id}/shares/${byAdmin.share.id}`, { user })).status).toBe(403);
    }
    for (const [method, path] of [
      ["GET", `/api/sessions/${id}/shares`],
      ["GET", `/api/sessions/${id}/share-access`],
      ["POST", `/api/sessions/${id}/shares`],
      ["DELETE", `/api/sessions/${id}/shares/${byAdmin.share.id}`],
    ] as const) {
      const res = await call(method, path, {
        user: stranger,
        body: method === "POST" ? { scope: "anyone", expiresInSeconds: 60 } : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // Another session's link id is not this session's.
    const other = await stoppedSession(owner, "other");
    expect((await call("DELETE", `/api/sessions/${other}/shares/${byAdmin.share.id}`, { user: owner })).status).toBe(404);
    // A member manages links of the member's own session.
    const own = await stoppedSession(member, "members-own");
    await createShare(member, own, { scope: "anyone" });
  });
});

describe("share gateway: who gets in", () => {
  it("admits the named person, refuses others and signed-out visitors, and logs every attempt", async () => {
    const owner = await createTestUser();
    const b = await createTestUser();
    const c = await createTestUser();
    const id = await stoppedSession(owner);
    const { path, share } = await createShare(owner, id, { scope: "people", emails: [b.email] });
    const token = path.split("/")[3] ?? "";

    expect(await errorOf(await openShare(`${path}index.html?x=1`, b))).toMatchObject({ status: 409, reason: "session_stopped" });
    expect(await errorOf(await visit(`${path}index.html`, c))).toMatchObject({ status: 403, reason: "not_invited" });
    expect(await errorOf(await visit(`${path}index.html`))).toMatchObject({ status: 401, reason: "sign_in_required" });
    const ws = await visit(`${path}hmr`, c, { upgrade: "websocket", connection: "Upgrade", "sec-websocket-version": "13" });
    expect(await errorOf(ws)).toMatchObject({ status: 403, reason: "not_invited" });

    const log = await accessLog(owner, id);
    expect(log).toHaveLength(4);
    expect(log.every((e) => e.shareId === share.id && e.ip === "203.0.113.7" && e.userAgent === "share-test/1")).toBe(true);
    expect(log.some((e) => JSON.stringify(e).includes(token))).toBe(false);
    const [wsEntry, anon, byC, byB] = log;
    expect(byB).toMatchObject({ email: b.email, userId: b.userId, path: "/index.html?x=1", outcome: "refused", reason: "session_stopped" });
    // Someone the link does not admit is not named to its owner (see the next test).
    expect(byC).toMatchObject({ userId: null, email: null, outcome: "refused", reason: "not_invited" });
    expect(anon).toMatchObject({ userId: null, email: null, outcome: "refused", reason: "sign_in_required" });
    expect(wsEntry).toMatchObject({ websocket: true, path: "/hmr", email: null, reason: "not_invited" });
  });

  it("names in its owner's log only people the link names: a site sending a signed-in stranger to it learns nothing", async () => {
    // The app's cookie is SameSite=Lax, so any site that navigates a signed-in person to a link
    // (a redirect, a popup) has the gateway read who they are. Had refusals named them, the
    // link's owner would learn the email of everyone their site sent, links dead or alive.
    const owner = await createTestUser();
    const invited = await createTestUser();
    const stranger = await createTestUser();
    const id = await stoppedSession(owner);
    const crossSite = { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document", accept: "text/html" };
    const people = await createShare(owner, id, { scope: "people", emails: [invited.email] });
    const workspace = await createShare(owner, id, { scope: "workspace" });
    const revoked = await createShare(owner, id, { scope: "anyone" });
    await call("DELETE", `/api/sessions/${id}/shares/${revoked.share.id}`, { user: owner });
    const expired = await createShare(owner, id, { scope: "anyone" });
    // fixture-sql: the link's expiry moved into the past, as waiting out its lifetime would leave it
    await env.DB.prepare("UPDATE preview_shares SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, expired.share.id)
      .run();
    for (const [link, reason] of [
      [people, "not_invited"],
      [workspace, "not_invited"],
      [revoked, "revoked"],
      [expired, "expired"],
    ] as const) {
      const res = await visit(link.path, stranger, crossSite);
      expect(res.status, link.share.scope).toBe(reason === "not_invited" ? 403 : 410);
      // The visitor's own page may say who they are signed in as; the owner's log may not.
      expect(await res.text()).toContain(`data-reason="${reason}"`);
    }
    const refused = await accessLog(owner, id);
    expect(refused).toHaveLength(4);
    for (const entry of refused) expect(entry, entry.reason ?? "").toMatchObject({ outcome: "refused", userId: null, email: null });
    expect(JSON.stringify(refused)).not.toContain(stranger.email);
    // Someone the link names is still named, also when it refuses them.
    expect((await errorOf(await openShare(people.path, invited))).reason).toBe("session_stopped");
    await call("DELETE", `/api/sessions/${id}/shares/${people.share.id}`, { user: owner });
    expect((await errorOf(await visit(people.path, invited))).reason).toBe("revoked");
    const [late, admitted] = await accessLog(owner, id);
    expect(admitted).toMatchObject({ userId: invited.userId, email: invited.email, reason: "session_stopped" });
    expect(late).toMatchObject({ userId: invited.userId, email: invited.email, reason: "revoked" });
  });

  it("admits any member for a workspace link and anyone for an anyone link", async () => {
    const owner = await createTestUser();
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const outsider = await createTestUser();
    const id = await stoppedSession(owner);
    const ws = await createShare(owner, id, { scope: "workspace" });
    expect((await errorOf(await openShare(ws.path, viewer))).reason).toBe("session_stopped");
    expect((await errorOf(await visit(ws.path, outsider))).reason).toBe("not_invited");
    expect((await errorOf(await visit(ws.path))).reason).toBe("sign_in_required");
    const anyone = await createShare(owner, id, { scope: "anyone" });
    expect((await errorOf(await openShare(anyone.path))).reason).toBe("session_stopped");
    expect((await errorOf(await openShare(anyone.path, outsider))).reason).toBe("session_stopped");
  });

  it("admits an API token to a workspace link only when it was made for that workspace", async () => {
    const owner = await createTestUser();
    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    const id = await stoppedSession(owner);
    const ws = await createShare(owner, id, { scope: "workspace" });
    const tokenFor = async () => {
      const res = await call("POST", "/api/auth/tokens", { user: member, body: { name: "ci" } });
      expect(res.status).toBe(200);
      return { authorization: `Bearer ${createApiTokenResponseSchema.parse(await res.json()).token}` };
    };
    const madeForA = await tokenFor();
    // The member also owns workspace B and makes a token there: it acts in B only, here as everywhere.
    const b = await call("POST", "/api/workspaces", { user: member, body: { name: "other" } });
    expect(b.status).toBe(201);
    const bId = workspaceSettingsSchema.parse(await b.json()).workspace.id;
    expect((await call("POST", "/api/auth/switch-workspace", { user: member, body: { workspaceId: bId } })).status).toBe(200);
    const madeForB = await tokenFor();
    expect((await errorOf(await visit(ws.path, undefined, madeForB))).reason).toBe("not_invited");
    expect((await errorOf(await openShare(ws.path, undefined, madeForA))).reason).toBe("session_stopped");
    expect((await errorOf(await openShare(ws.path, member))).reason).toBe("session_stopped");
  });

  it("refuses a revoked or expired link on the very next request, WebSocket upgrades included", async () => {
    const owner = await createTestUser();
    const id = await stoppedSession(owner);
    const upgrade = {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    };
    const revoked = await createShare(owner, id, { scope: "anyone" });
    expect((await errorOf(await openShare(revoked.path))).reason).toBe("session_stopped");
    const token = revoked.path.split("/")[3] ?? "";
    const onHost = (path: string, headers: Record<string, string> = {}) =>
      visit(`${previewOriginFor(env, id, null, mintVisit())}${path}`, undefined, { cookie: `${SHARE_COOKIE}=${token}`, ...headers });
    await call("DELETE", `/api/sessions/${id}/shares/${revoked.share.id}`, { user: owner });
    expect(await errorOf(await visit(revoked.path))).toMatchObject({ status: 410, reason: "revoked" });
    expect(await errorOf(await onHost("/"))).toMatchObject({ status: 410, reason: "revoked" });
    expect(await errorOf(await onHost("/ws", upgrade))).toMatchObject({ status: 410, reason: "revoked" });
    expect(await errorOf(await visit(`${revoked.path}ws`, undefined, upgrade))).toMatchObject({ status: 410, reason: "revoked" });

    const expiring = await createShare(owner, id, { scope: "anyone" });
    // fixture-sql: the link's expiry moved into the past, as waiting out its lifetime would leave it
    await env.DB.prepare("UPDATE preview_shares SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, expiring.share.id)
      .run();
    expect(await errorOf(await visit(expiring.path))).toMatchObject({ status: 410, reason: "expired" });
    expect(await errorOf(await visit(`${expiring.path}ws`, undefined, upgrade))).toMatchObject({ status: 410, reason: "expired" });
    const list = shareListResponse.parse(await (await call("GET", `/api/sessions/${id}/shares`, { user: owner })).json());
    expect(Object.fromEntries(list.shares.map((s) => [s.id, s.status]))).toEqual({
      [revoked.share.id]: "revoked",
      [expiring.share.id]: "expired",
    });
  });

  it("dies with its session", async () => {
    const owner = await createTestUser();
    const id = await stoppedSession(owner);
    const { path } = await createShare(owner, id, { scope: "anyone" });
    expect((await call("DELETE", `/api/sessions/${id}`, { user: owner })).status).toBe(200);
    expect(await errorOf(await visit(path))).toMatchObject({ status: 410, reason: "session_deleted" });
  });

  it("answers unknown tokens 404 without a log and redirects the bare link to its trailing slash", async () => {
    const owner = await createTestUser();
    const id = await stoppedSession(owner);
    const { path } = await createShare(owner, id, { scope: "anyone" });
    for (const bad of ["/runtime/share/bfsh_nope/", `/runtime/share/bfsh_${"A".repeat(43)}/`, "/runtime/share/x/"]) {
      expect((await errorOf(await visit(bad))).status, bad).toBe(404);
    }
    const bare = await visit(`${path.slice(0, -1)}?q=1`);
    expect(bare.status).toBe(308);
    expect(new URL(bare.headers.get("location") ?? "").pathname + new URL(bare.headers.get("location") ?? "").search).toBe(`${path}?q=1`);
    expect(await accessLog(owner, id)).toHaveLength(0);
  });
});

describe("share gateway: only the preview", () => {
  it("never opens terminal, files or ssh: a share token is no credential on other runtime routes", async () => {
    const owner = await createTestUser();
    const id = await stoppedSession(owner);
    const { path } = await createShare(owner, id, { scope: "anyone" });
    const token = path.split("/")[3] ?? "";
    for (const route of ["terminal", "files/tree?path=.", "files/content?path=README.md", "preview/", "ssh"]) {
      const sep = route.includes("?") ? "&" : "?";
      const bearer = await call("GET", `/runtime/sessions/${id}/${route}`, { headers: { authorization: `Bearer ${token}` } });
      expect(bearer.status, `bearer ${route}`).toBe(401);
      const query = await call("GET", `/runtime/sessions/${id}/${route}${sep}token=${token}&share=${token}`);
      expect(query.status, `query ${route}`).toBe(401);
    }
    for (const api of ["/api/sessions", `/api/sessions/${id}`, "/api/auth/me"]) {
      expect((await call("GET", api, { headers: { authorization: `Bearer ${token}` } })).status, api).toBe(401);
    }
  });

  it("refuses paths that URL normalisation would take out of the preview", async () => {
    const owner = await createTestUser();
    const id = await stoppedSession(owner);
    const { path } = await createShare(owner, id, { scope: "anyone" });
    // Dot segments the URL parser resolves leave the link (404: no such link); the rest the gateway refuses.
    const cases: Record<string, number> = {
      "%2e%2e/terminal": 404,
      ".%2e/files/tree": 404,
      "%2E%2E/%2E%2E/ssh": 404,
      "a/..%2Fterminal": 400,
      "a/%2e%2e%2fterminal": 400,
      "a/%5c../x": 400,
      "a%5C..%5Cterminal": 400,
      "%00": 400,
    };
    for (const [rest, status] of Object.entries(cases)) {
      const res = await visit(`${path}${rest}`);
      expect(res.status, rest).toBe(status);
    }
    const log = await accessLog(owner, id);
    expect(log.every((e) => e.reason === "bad_path")).toBe(true);
  });
});

describe("share gateway: visit grants for scoped links", () => {
  it("sends a signed-in viewer's navigation to a grant URL that works without the cookie, for this link only", async () => {
    const owner = await createTestUser();
    const b = await createTestUser();
    const id = await stoppedSession(owner);
    const first = await createShare(owner, id, { scope: "people", emails: [b.email] });
    const second = await createShare(owner, id, { scope: "people", emails: [b.email] });
    const nav = await visit(`${first.path}page?a=1`, b, { "sec-fetch-mode": "navigate", accept: "text/html" });
    expect(nav.status).toBe(303);
    const location = new URL(nav.headers.get("location") ?? "");
    // A fresh visit's own host under the session's label, not the link's public host.
    expect(location.origin.replace(/-v[a-z2-7]{20}(?=\.)/, "")).toBe(new URL(first.url).origin);
    expect(location.hostname).toMatch(/^[a-z2-7]+-v[a-z2-7]{20}\.localhost$/);
    const segment = location.pathname.split("/")[3] ?? "";
    expect(segment).toMatch(/^bfsh_[A-Za-z0-9_-]{43}\.v2\./);
    expect(location.pathname).toBe(`/__burstflare/share/${segment}/page`);
    expect(location.search).toBe("?a=1");
    // The entry keeps the credential in a host-only cookie and moves to the app's own path.
    const entered = await visit(location.toString());
    expect(entered.headers.get("location")).toBe("/page?a=1");
    expect(entered.headers.getSetCookie()).toEqual([
      `${SHARE_COOKIE}=${segment}; Path=/; Max-Age=43200; HttpOnly; Secure; SameSite=None; Partitioned`,
    ]);
    const onHost = (credential: string, path: string, headers: Record<string, string> = {}) =>
      visit(`${location.origin}${path}`, undefined, { cookie: `${SHARE_COOKIE}=${credential}`, ...headers });

    // The sandboxed app's own requests carry no app cookie: the grant in the visit cookie names the viewer.
    const sub = await errorOf(await onHost(segment, "/app.js"));
    expect(sub).toMatchObject({ status: 409, reason: "session_stopped" });
    const log = await accessLog(owner, id);
    expect(log[0]).toMatchObject({ email: b.email, path: "/app.js" });

    const grant = segment.slice(segment.indexOf(".") + 1);
    const secondToken = second.path.split("/")[3] ?? "";
    expect(await errorOf(await onHost(`${secondToken}.${grant}`, "/app.js"))).toMatchObject({ status: 401, reason: "grant_invalid" });
    const tampered = `${segment.slice(0, -2)}${segment.endsWith("AA") ? "BB" : "AA"}`;
    // The grant is bound to its visit's host: on another visit's host of the same link it names nobody.
    const elsewhere = await visit(`${previewOriginFor(env, id, null, mintVisit())}/app.js`, undefined, {
      cookie: `${SHARE_COOKIE}=${segment}`,
    });
    expect(await errorOf(elsewhere)).toMatchObject({ status: 401, reason: "grant_invalid" });
    expect((await errorOf(await onHost(tampered, "/app.js"))).reason).toBe("grant_invalid");
    // A stale grant in the address bar goes back to the plain link on the app origin.
    const staleNav = await onHost(tampered, "/app.js", { "sec-fetch-mode": "navigate" });
    expect(staleNav.status).toBe(303);
    expect(staleNav.headers.get("location")).toBe(`http://localhost:8787${first.path}app.js`);
    // The link's cookie opens only its own session's host.
    const other = await stoppedSession(owner, "other");
    const otherShare = await createShare(owner, other, { scope: "anyone" });
    expect(otherShare.url).toContain("/__burstflare/share/");
    const otherHost = previewOriginFor(env, other, null, mintVisit());
    const crossed = await visit(`${otherHost}/app.js`, undefined, { cookie: `${SHARE_COOKIE}=${segment}` });
    expect(await errorOf(crossed)).toMatchObject({ status: 404, reason: "unknown_link" });
    // The grant lasts only as long as the sign-in that asked for it.
    const signIn = await env.DB.prepare("SELECT id FROM sign_ins WHERE user_id = ?").bind(b.userId).first<{ id: string }>();
    expect((await call("DELETE", `/api/auth/sign-ins/${signIn?.id}`, { user: b })).status).toBe(200);
    expect(await errorOf(await onHost(segment, "/app.js"))).toMatchObject({ status: 401, reason: "grant_invalid" });
    expect((await onHost(segment, "/ws", { upgrade: "websocket", connection: "Upgrade" })).status).toBe(401);
    // Revoking the link ends the grant too.
    await call("DELETE", `/api/sessions/${id}/shares/${first.share.id}`, { user: owner });
    expect((await errorOf(await onHost(segment, "/app.js"))).reason).toBe("revoked");
  });

  it("shows signed-out visitors of a scoped link an HTML page with a sign-in link", async () => {
    const owner = await createTestUser();
    const id = await stoppedSession(owner);
    const { path } = await createShare(owner, id, { scope: "workspace" });
    const res = await visit(path, undefined, { "sec-fetch-mode": "navigate", accept: "text/html" });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await res.text();
    expect(html).toContain('data-reason="sign_in_required"');
    expect(html).toContain(`/signin?next=${encodeURIComponent(path)}`);
  });
});
