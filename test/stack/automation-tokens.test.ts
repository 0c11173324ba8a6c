import type { ScopedToken } from "@burstflare/sdk/schemas/automation";
import { describe, expect, it } from "vitest";
import { api, createSession, expectOK, ownerAndForeignSessions, req, runtimeApi, runtimeReq, send, until } from "./helpers/api";
import { createStackUser, type StackUser } from "./helpers/users";

const asToken = (user: StackUser, token: string): StackUser => ({ ...user, token, headers: { authorization: `Bearer ${token}` } });

async function mint(user: StackUser, body: Record<string, unknown>): Promise<ScopedToken> {
  return (await expectOK(
    await api(user, "POST /api/scoped-tokens", { body: { name: "agent", expiresInSeconds: 600, ...body } }),
    201,
  )) as ScopedToken;
}

describe("scoped API tokens", () => {
  it("reach only their session's exec (or files) routes; everything else is 403, another workspace 404", async () => {
    const { owner, session: target, other, foreign } = await ownerAndForeignSessions("scoped");

    const minted = await mint(owner, { sessionId: target.id, scopes: ["exec"] });
    expect(minted).toMatchObject({ sessionId: target.id, scopes: ["exec"], workspaceId: owner.workspaceId });
    expect(minted.expiresAt).toBeGreaterThan(Date.now());
    const agent = asToken(owner, minted.token);
    const ran = (await expectOK(
      await api(agent, "POST /api/sessions/{sessionId}/exec", { params: { sessionId: target.id }, body: { argv: ["echo", "scoped"] } }),
    )) as {
      stdout: string;
    };
    expect(ran.stdout).toBe("scoped\n");
    await expectOK(await api(agent, "GET /api/sessions/{sessionId}/processes", { params: { sessionId: target.id } }));
    // Its own session's state, which a client waits on before it connects.
    await expectOK(await api(agent, "GET /api/sessions/{sessionId}", { params: { sessionId: target.id } }));
    for (const request of [
      req("POST /api/sessions/{sessionId}/exec", { params: { sessionId: other.id }, body: { command: "true" } }),
      runtimeReq("GET", target.id, "files/tree", { query: { path: "." } }),
      req("GET /api/sessions"),
      req("GET /api/sessions/{sessionId}", { params: { sessionId: other.id } }),
      req("DELETE /api/sessions/{sessionId}", { params: { sessionId: target.id } }),
      req("POST /api/sessions/{sessionId}/stop", { params: { sessionId: target.id } }),
      req("POST /api/sessions/{sessionId}/snapshots", { params: { sessionId: target.id }, body: {} }),
      req("POST /api/scoped-tokens", { body: { name: "more", scopes: ["exec"], expiresInSeconds: 600 } }),
      req("POST /api/auth/tokens", { body: { name: "more" } }),
    ]) {
      const res = await send(agent, request);
      expect(res.status, request.label).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("token_not_allowed");
    }

    // A workspace-wide files token: files of any session of its workspace, 404 for another's.
    const files = asToken(owner, (await mint(owner, { scopes: ["files"] })).token);
    await expectOK(await runtimeApi(files, "GET", target.id, "files/tree", { query: { path: "." } }));
    expect((await runtimeApi(files, "GET", foreign.id, "files/tree", { query: { path: "." } })).status).toBe(404);
    expect(
      (await api(files, "POST /api/sessions/{sessionId}/exec", { params: { sessionId: target.id }, body: { command: "true" } })).status,
    ).toBe(403);
    const wide = asToken(owner, (await mint(owner, { scopes: ["exec", "files"] })).token);
    expect(
      (await api(wide, "POST /api/sessions/{sessionId}/exec", { params: { sessionId: foreign.id }, body: { command: "true" } })).status,
    ).toBe(404);
  });

  it("expire, refuse other workspaces' sessions at minting, and are not minted by viewers", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "scoped-expiry", start: false });
    // The shortest lifetime the route allows; valid until its own expiresAt, refused after it.
    const minted = await mint(owner, { sessionId: session.id, scopes: ["exec"], expiresInSeconds: 60 });
    const processes = () =>
      api(asToken(owner, minted.token), "GET /api/sessions/{sessionId}/processes", { params: { sessionId: session.id } });
    expect((await processes()).status).not.toBe(401);
    await until(() => Date.now() > minted.expiresAt, "the token's expiresAt to pass", 70_000);
    expect((await processes()).status).toBe(401);

    const stranger = await createStackUser();
    const res = await api(stranger, "POST /api/scoped-tokens", {
      body: {
        name: "x",
        sessionId: session.id,
        scopes: ["exec"],
        expiresInSeconds: 600,
      },
    });
    expect(res.status).toBe(404);
    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect((await api(viewer, "POST /api/scoped-tokens", { body: { name: "x", scopes: ["exec"], expiresInSeconds: 600 } })).status).toBe(
      403,
    );
    for (const bad of [{ scopes: [] }, { scopes: ["admin"] }, { scopes: ["exec"], expiresInSeconds: 0 }]) {
      expect((await api(owner, "POST /api/scoped-tokens", { body: { name: "x", expiresInSeconds: 600, ...bad } })).status).toBe(400);
    }
  }, 180_000);
});
