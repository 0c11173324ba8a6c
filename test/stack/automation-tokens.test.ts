import type { ScopedToken } from "@burstflare/sdk/schemas/automation";
import { describe, expect, it } from "vitest";
import { api, createSession, expectOK, until } from "./helpers/api";
import { createStackUser, type StackUser } from "./helpers/users";

const asToken = (user: StackUser, token: string): StackUser => ({ ...user, token, headers: { authorization: `Bearer ${token}` } });

async function mint(user: StackUser, body: Record<string, unknown>): Promise<ScopedToken> {
  return (await expectOK(
    await api(user, "POST", "/api/scoped-tokens", { name: "agent", expiresInSeconds: 600, ...body }),
    201,
  )) as ScopedToken;
}

describe("scoped API tokens", () => {
  it("reach only their session's exec (or files) routes; everything else is 403, another workspace 404", async () => {
    const owner = await createStackUser();
    const target = await createSession(owner, { name: "scoped" });
    const other = await createSession(owner, { name: "scoped-other", start: false });
    const stranger = await createStackUser();
    const foreign = await createSession(stranger, { name: "foreign", start: false });

    const minted = await mint(owner, { sessionId: target.id, scopes: ["exec"] });
    expect(minted).toMatchObject({ sessionId: target.id, scopes: ["exec"], workspaceId: owner.workspaceId });
    expect(minted.expiresAt).toBeGreaterThan(Date.now());
    const agent = asToken(owner, minted.token);
    const ran = (await expectOK(await api(agent, "POST", `/api/sessions/${target.id}/exec`, { argv: ["echo", "scoped"] }))) as {
      stdout: string;
    };
    expect(ran.stdout).toBe("scoped\n");
    await expectOK(await api(agent, "GET", `/api/sessions/${target.id}/processes`));
    // Its own session's state, which a client waits on before it connects.
    await expectOK(await api(agent, "GET", `/api/sessions/${target.id}`));
    for (const [method, path, body] of [
      ["POST", `/api/sessions/${other.id}/exec`, { command: "true" }],
      ["GET", `/runtime/sessions/${target.id}/files/tree?path=.`, undefined],
      ["GET", "/api/sessions", undefined],
      ["GET", `/api/sessions/${other.id}`, undefined],
      ["DELETE", `/api/sessions/${target.id}`, undefined],
      ["POST", `/api/sessions/${target.id}/stop`, undefined],
      ["POST", `/api/sessions/${target.id}/snapshots`, {}],
      ["POST", "/api/scoped-tokens", { name: "more", scopes: ["exec"], expiresInSeconds: 600 }],
      ["POST", "/api/auth/tokens", { name: "more" }],
    ] as const) {
      const res = await api(agent, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("token_not_allowed");
    }

    // A workspace-wide files token: files of any session of its workspace, 404 for another's.
    const files = asToken(owner, (await mint(owner, { scopes: ["files"] })).token);
    await expectOK(await api(files, "GET", `/runtime/sessions/${target.id}/files/tree?path=.`));
    expect((await api(files, "GET", `/runtime/sessions/${foreign.id}/files/tree?path=.`)).status).toBe(404);
    expect((await api(files, "POST", `/api/sessions/${target.id}/exec`, { command: "true" })).status).toBe(403);
    const wide = asToken(owner, (await mint(owner, { scopes: ["exec", "files"] })).token);
    expect((await api(wide, "POST", `/api/sessions/${foreign.id}/exec`, { command: "true" })).status).toBe(404);
  });

  it("expire, refuse other workspaces' sessions at minting, and are not minted by viewers", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "scoped-expiry", start: false });
    // The shortest lifetime the route allows; valid until its own expiresAt, refused after it.
    const minted = await mint(owner, { sessionId: session.id, scopes: ["exec"], expiresInSeconds: 60 });
    expect((await api(asToken(owner, minted.token), "GET", `/api/sessions/${session.id}/processes`)).status).not.toBe(401);
    await until(() => Date.now() > minted.expiresAt, "the token's expiresAt to pass", 70_000);
    expect((await api(asToken(owner, minted.token), "GET", `/api/sessions/${session.id}/processes`)).status).toBe(401);

    const stranger = await createStackUser();
    const res = await api(stranger, "POST", "/api/scoped-tokens", {
      name: "x",
      sessionId: session.id,
      scopes: ["exec"],
      expiresInSeconds: 600,
    });
    expect(res.status).toBe(404);
    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect((await api(viewer, "POST", "/api/scoped-tokens", { name: "x", scopes: ["exec"], expiresInSeconds: 600 })).status).toBe(403);
    for (const bad of [{ scopes: [] }, { scopes: ["admin"] }, { scopes: ["exec"], expiresInSeconds: 0 }]) {
      expect((await api(owner, "POST", "/api/scoped-tokens", { name: "x", expiresInSeconds: 600, ...bad })).status).toBe(400);
    }
  }, 180_000);
});
