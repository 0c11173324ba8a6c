import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { touchApiToken } from "../../src/auth/api-tokens-repo";
import { issueSignIn } from "../../src/auth/sign-ins";
import { newId } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { softDeleteWorkspace } from "../../src/workspaces/workspaces-repo";
import { addMember, call, createTestUser } from "../helpers/users";

type Me = { workspace: { id: string }; role: string };

async function me(headers: Record<string, string>): Promise<Me> {
  const res = await call("GET", "/api/auth/me", { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Me;
}

describe("authentication: token, user and membership in one lookup", () => {
  it("acts in the token's workspace, else the user's current one, and skips deleted workspaces", async () => {
    const user = await createTestUser();
    const other = await createTestUser();
    const t = Date.now();
    // `user` joins other's workspace as a viewer.
    await addMember(other.workspaceId, user.userId, "viewer");
    const pinned = await issueSignIn(env, { userId: user.userId, kind: "cli", workspaceId: other.workspaceId });
    expect(await me({ authorization: `Bearer ${pinned.token}` })).toMatchObject({ workspace: { id: other.workspaceId }, role: "viewer" });
    const unpinned = await issueSignIn(env, { userId: user.userId, kind: "cli", workspaceId: null });
    expect(await me({ authorization: `Bearer ${unpinned.token}` })).toMatchObject({ workspace: { id: user.workspaceId }, role: "owner" });

    await softDeleteWorkspace(dbOf(env), other.workspaceId, t);
    expect(await me({ authorization: `Bearer ${pinned.token}` })).toMatchObject({ workspace: { id: user.workspaceId }, role: "owner" });
  });

  it("answers 401 for a user without any live membership", async () => {
    const user = await createTestUser();
    // fixture-sql: no route leaves a user without a membership row (the last owner cannot leave); the lookup must still refuse it
    await env.DB.prepare("DELETE FROM memberships WHERE user_id = ?").bind(user.userId).run();
    expect((await call("GET", "/api/auth/me", { user })).status).toBe(401);
  });

  it("touches an API token's last_used_at at most once a minute", async () => {
    const user = await createTestUser();
    const created = await call("POST", "/api/auth/tokens", { user, body: { name: newId("ci"), expiresInDays: 1 } });
    expect(created.status).toBe(200);
    const { token, apiToken } = (await created.json()) as { token: string; apiToken: { id: string } };
    const lastUsed = async () =>
      (await env.DB.prepare("SELECT last_used_at AS at FROM api_tokens WHERE id = ?").bind(apiToken.id).first<{ at: number | null }>())?.at;
    const headers = { authorization: `Bearer ${token}` };

    await me(headers);
    const first = await lastUsed();
    expect(first).toBeGreaterThan(0);
    const recent = Date.now() - 30_000;
    await touchApiToken(dbOf(env), apiToken.id, recent);
    await me(headers);
    expect(await lastUsed()).toBe(recent);
    const stale = Date.now() - 120_000;
    await touchApiToken(dbOf(env), apiToken.id, stale);
    await me(headers);
    expect(await lastUsed()).toBeGreaterThan(stale + 60_000);
  });
});
