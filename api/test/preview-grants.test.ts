import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../sdk/errors";
import { signVisitGrant, VISIT_GRANT_TTL_MS } from "../src/preview/visit-grants";
import { insertTestSession } from "./helpers/snapshots";
import { createTestUser, type TestUser } from "./helpers/users";

/**
 * The owner preview's visit grants through the Worker with real D1 and session DOs. The session
 * is `stopped`, so a grant the route accepts reaches the DO and gets its 409 (through the sandbox
 * headers), while a refused one stops at 401/403/404 first. Preview traffic itself:
 * test/stack/preview-sandbox.test.ts.
 */

const visit = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`http://localhost:8787${path}`, { redirect: "manual", headers }));

async function codeOf(res: Response): Promise<[number, string]> {
  return [res.status, ((await res.json()) as ErrorBody).error.code];
}

const grantURL = async (sessionId: string, userId: string, opts: { purpose?: "preview" | "share"; expiresAt?: number } = {}) => {
  const grant = await signVisitGrant(env, opts.purpose ?? "preview", sessionId, userId, opts.expiresAt ?? Date.now() + 60_000);
  return `/runtime/preview/${sessionId}.${grant}/`;
};

async function ownerWithSession(): Promise<{ owner: TestUser; sessionId: string }> {
  const owner = await createTestUser();
  return { owner, sessionId: await insertTestSession(owner.workspaceId, owner.userId, "stopped") };
}

describe("owner preview: the session route hands out grants", () => {
  it("redirects a signed-in request to a 12-hour grant URL for this user and session, path and query kept", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const before = Date.now();
    const res = await visit(`/runtime/sessions/${sessionId}/preview/a/b.html?q=1&r=%2F`, { cookie: `bf_session=${owner.token}` });
    expect(res.status).toBe(307);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const location = res.headers.get("location") ?? "";
    const m = new RegExp(
      `^/runtime/preview/${sessionId}\\.v1\\.${owner.userId}\\.([0-9a-z]+)\\.[A-Za-z0-9_-]{22}/a/b\\.html\\?q=1&r=%2F$`,
    ).exec(location);
    expect(m, location).not.toBeNull();
    const exp = Number.parseInt(m?.[1] ?? "", 36);
    expect(exp).toBeGreaterThanOrEqual(before + VISIT_GRANT_TTL_MS);
    expect(exp).toBeLessThanOrEqual(Date.now() + VISIT_GRANT_TTL_MS);

    // The grant is accepted without a cookie: the stopped session's DO answers, sandboxed.
    const through = await visit(location);
    expect(through.headers.get("content-security-policy")).toContain("sandbox allow-scripts");
    expect(through.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await codeOf(through)).toEqual([409, "invalid_state"]);
  });

  it("keeps the existing checks before any grant: signed out 401, viewer 403, another workspace 404", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const stranger = await createTestUser();
    const path = `/runtime/sessions/${sessionId}/preview/`;
    expect(await codeOf(await visit(path))).toEqual([401, "unauthorized"]);
    expect(await codeOf(await visit(path, viewer.headers))).toEqual([403, "forbidden"]);
    expect(await codeOf(await visit(path, stranger.headers))).toEqual([404, "not_found"]);
  });
});

describe("owner preview: grants are checked on every request", () => {
  it("refuses expired grants, share-link grants and grants for another session or user", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const otherSession = await insertTestSession(owner.workspaceId, owner.userId, "stopped");
    expect((await visit(`${await grantURL(sessionId, owner.userId)}x`)).status).toBe(409);

    const expired = await grantURL(sessionId, owner.userId, { expiresAt: Date.now() - 1 });
    const forShare = await grantURL(sessionId, owner.userId, { purpose: "share" });
    const forOther = (await grantURL(otherSession, owner.userId)).replace(otherSession, sessionId);
    const upgrade = {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    };
    for (const url of [expired, forShare, forOther]) {
      expect(await codeOf(await visit(`${url}x`)), url).toEqual([401, "unauthorized"]);
      expect((await visit(`${url}ws`, upgrade)).status, url).toBe(401);
    }
    // A stale grant in a browser's address bar goes back to the session route for a new one.
    const stale = await visit(`${expired}deep/page?q=1`, { accept: "text/html", "sec-fetch-mode": "navigate" });
    expect(stale.status).toBe(303);
    expect(stale.headers.get("location")).toBe(`/runtime/sessions/${sessionId}/preview/deep/page?q=1`);
  });

  it("re-reads the user's role: viewer 403, removed member, deleted user or deleted session 404", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    const url = `${await grantURL(sessionId, member.userId)}page`;
    expect((await visit(url)).status).toBe(409);

    await env.DB.prepare("UPDATE memberships SET role = 'viewer' WHERE user_id = ?").bind(member.userId).run();
    expect(await codeOf(await visit(url))).toEqual([403, "forbidden"]);
    await env.DB.prepare("UPDATE memberships SET role = 'admin' WHERE user_id = ?").bind(member.userId).run();
    expect((await visit(url)).status).toBe(409);
    await env.DB.prepare("DELETE FROM memberships WHERE user_id = ?").bind(member.userId).run();
    expect(await codeOf(await visit(url))).toEqual([404, "not_found"]);

    // Someone who was never a member, with a correctly signed grant, learns nothing either.
    const stranger = await createTestUser();
    expect(await codeOf(await visit(`${await grantURL(sessionId, stranger.userId)}page`))).toEqual([404, "not_found"]);

    const ownerURL = `${await grantURL(sessionId, owner.userId)}page`;
    await env.DB.prepare("UPDATE users SET deleted_at = ? WHERE id = ?").bind(Date.now(), owner.userId).run();
    expect((await visit(ownerURL)).status).toBe(404);
    await env.DB.prepare("UPDATE users SET deleted_at = NULL WHERE id = ?").bind(owner.userId).run();
    expect((await visit(ownerURL)).status).toBe(409);
    await env.DB.prepare("UPDATE sessions SET deleted_at = ? WHERE id = ?").bind(Date.now(), sessionId).run();
    expect((await visit(ownerURL)).status).toBe(404);
  });

  it("answers malformed credentials 404, adds the trailing slash, and refuses paths that leave the preview", async () => {
    const { owner, sessionId } = await ownerWithSession();
    const base = await grantURL(sessionId, owner.userId);
    const credential = base.split("/")[3] ?? "";
    for (const bad of [
      "/runtime/preview/x",
      `/runtime/preview/${sessionId}/x`,
      `/runtime/preview/bad%20id.${credential.split(".").slice(1).join(".")}/x`,
    ]) {
      expect((await visit(bad)).status, bad).toBe(404);
    }
    const bare = await visit(`${base.slice(0, -1)}?q=1`);
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe(`${base}?q=1`);
    for (const rest of ["..%2Fterminal", "a/%2e%2e%2f%2e%2e%2fterminal", "%5c..%5cfiles/tree", "a%00b"]) {
      expect(await codeOf(await visit(`${base}${rest}`)), rest).toEqual([400, "bad_request"]);
    }
  });
});
