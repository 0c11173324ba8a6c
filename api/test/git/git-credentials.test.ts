import { env } from "cloudflare:workers";
import { gitCredentialResponse } from "@burstflare/sdk/schemas/git";
import { describe, expect, it } from "vitest";
import { gitSessionEnv } from "../../src/git/credentials";
import { call, createTestUser } from "../helpers/users";

describe("git token", () => {
  it("is stored sealed, never answered, and offered only to its host through the credential helper", async () => {
    const user = await createTestUser();
    const token = "ghp_token-that-must-not-leak";
    const set = await call("POST", "/api/me/git-credential", { user, body: { host: "GitHub.com", token } });
    expect(set.status).toBe(200);
    const setText = await set.text();
    expect(setText).not.toContain(token);
    expect(gitCredentialResponse.parse(JSON.parse(setText)).credential).toMatchObject({ host: "github.com", username: "x-access-token" });

    const row = await env.DB.prepare("SELECT ciphertext FROM user_git_credentials WHERE user_id = ?")
      .bind(user.userId)
      .first<{ ciphertext: string }>();
    expect(row?.ciphertext).toBeTruthy();
    expect(atob(row?.ciphertext.replace(/-/g, "+").replace(/_/g, "/") ?? "")).not.toContain(token);
    expect(await (await call("GET", "/api/me/git-credential", { user })).text()).not.toContain(token);

    const sessionEnv = await gitSessionEnv(env, user.userId, user.workspaceId);
    expect(sessionEnv).toMatchObject({
      BF_GIT_TOKEN: token,
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "credential.https://github.com.helper",
    });
    // The helper prints the token from the environment; the token itself is not in the config.
    expect(sessionEnv.GIT_CONFIG_VALUE_0).not.toContain(token);
    // Another user's sessions get nothing; a copied row does not open under another user.
    const other = await createTestUser();
    expect(await gitSessionEnv(env, other.userId, other.workspaceId)).toEqual({});
    // Nor does a workspace the owner is not (or no longer) a member of.
    expect(await gitSessionEnv(env, user.userId, other.workspaceId)).toEqual({});
    // fixture-sql: tampering: a sealed credential copied to another user, which no route can do
    await env.DB.prepare(
      "INSERT INTO user_git_credentials (user_id, host, username, ciphertext, iv, created_at, updated_at) SELECT ?, host, username, ciphertext, iv, created_at, updated_at FROM user_git_credentials WHERE user_id = ?",
    )
      .bind(other.userId, user.userId)
      .run();
    expect(await gitSessionEnv(env, other.userId, other.workspaceId)).toEqual({});

    expect((await call("POST", "/api/me/git-credential", { user, body: { host: "github.com", token: "has space" } })).status).toBe(400);
    expect((await call("POST", "/api/me/git-credential", { body: { host: "github.com", token } })).status).toBe(401);
    expect((await call("DELETE", "/api/me/git-credential", { user })).status).toBe(200);
    expect(gitCredentialResponse.parse(await (await call("GET", "/api/me/git-credential", { user })).json()).credential).toBeNull();
    expect(await gitSessionEnv(env, user.userId, user.workspaceId)).toEqual({});
  });
});
