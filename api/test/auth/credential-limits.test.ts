import { env } from "cloudflare:workers";
import { createApiTokenResponseSchema } from "@burstflare/sdk/schemas/auth";
import { scopedTokenResponse } from "@burstflare/sdk/schemas/automation";
import { describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../../../scripts/lib/software-authenticator.mjs";
import { API_TOKEN_BOUNDS } from "../../src/auth/api-tokens-repo";
import { PASSKEY_BOUNDS } from "../../src/auth/passkeys-repo";
import { SSH_KEY_BOUNDS } from "../../src/auth/ssh-keys-repo";
import { type BrowserClient, signUpWithPasskey } from "../helpers/browser";
import { countRows } from "../helpers/db";
import { expectBurstRefused, makeMany } from "../helpers/limits";
import { randomSSHPublicKey } from "../helpers/permissions-world";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * A user's API tokens, SSH keys and passkeys were each counted in a query before the insert, so a
 * parallel burst of creates all passed the limit; and revoked or expired API tokens were never
 * deleted, so a create-and-revoke loop grew the table without end. Now the count is in the INSERT
 * itself (insertBounded) and issuing a token deletes the user's dead ones.
 */

const refusal = (message: string) => ({ status: 403, error: { code: "quota_exceeded" as const, message } });

const createToken = (user: TestUser) => call("POST", "/api/auth/tokens", { user, body: { name: "ci" } });
const createScoped = (user: TestUser) =>
  call("POST", "/api/scoped-tokens", { user, body: { name: "agent", scopes: ["exec"], expiresInSeconds: 600 } });

async function madeToken(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  return createApiTokenResponseSchema.parse(await res.json()).apiToken.id;
}

const liveTokens = (user: TestUser) =>
  countRows("api_tokens", "user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", user.userId, Date.now());

describe("API tokens", () => {
  it("a parallel burst past the limit makes exactly the tokens that fit; scoped tokens share it", async () => {
    const user = await createTestUser();
    const max = API_TOKEN_BOUNDS.maxLive;
    await makeMany(max - 5, async () => madeToken(await createToken(user)));

    await expectBurstRefused(() => createToken(user), 12, 5, 200, refusal(`at most ${max} active API tokens`));
    expect(await liveTokens(user)).toBe(max);
    const scoped = await createScoped(user);
    expect(scoped.status).toBe(403);

    // Revoking one frees its place, for a scoped token as for an ordinary one.
    const { tokens } = (await (await call("GET", "/api/auth/tokens", { user })).json()) as { tokens: { id: string }[] };
    const first = tokens[0];
    expect((await call("DELETE", `/api/auth/tokens/${first?.id}`, { user })).status).toBe(200);
    expect((await createScoped(user)).status).toBe(201);
    expect((await createToken(user)).status).toBe(403);
  });

  it("issuing a token deletes the user's revoked and expired ones; their audit rows stay", async () => {
    const user = await createTestUser();
    const kept = await madeToken(await createToken(user));
    // A create-and-revoke loop: each new token removes the dead ones before it.
    const looped = await makeMany(
      20,
      async () => {
        const id = await madeToken(await createToken(user));
        expect((await call("DELETE", `/api/auth/tokens/${id}`, { user })).status).toBe(200);
        return id;
      },
      1,
    );
    expect(await countRows("api_tokens", "user_id = ?", user.userId)).toBe(2);

    const res = await createScoped(user);
    expect(res.status).toBe(201);
    const expired = scopedTokenResponse.parse(await res.json()).id;
    // fixture-sql: the scoped token's expiry moved into the past, as waiting out its 60 s minimum would leave it
    await env.DB.prepare("UPDATE api_tokens SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, expired)
      .run();
    const newest = await madeToken(await createToken(user));

    const rows = await env.DB.prepare("SELECT id FROM api_tokens WHERE user_id = ? ORDER BY id").bind(user.userId).all<{ id: string }>();
    expect(rows.results.map((r) => r.id)).toEqual([kept, newest].sort());
    // The dead tokens' history is in the audit log, which is kept apart.
    const audited = (action: string) =>
      countRows("audit_log", `action = ? AND target_id IN (${looped.map(() => "?").join(", ")})`, action, ...looped);
    expect(await audited("auth.token_create")).toBe(20);
    expect(await audited("auth.token_revoke")).toBe(20);
  });
});

describe("SSH keys", () => {
  it("a parallel burst past the limit adds exactly the keys that fit", async () => {
    const user = await createTestUser();
    const add = () => call("POST", "/api/auth/ssh-keys", { user, body: { publicKey: randomSSHPublicKey() } });
    await makeMany(SSH_KEY_BOUNDS.maxLive - 5, async () => expect((await add()).status).toBe(200));

    await expectBurstRefused(add, 12, 5, 200, refusal(`at most ${SSH_KEY_BOUNDS.maxLive} SSH keys`));
    expect(await countRows("ssh_keys", "user_id = ?", user.userId)).toBe(SSH_KEY_BOUNDS.maxLive);
  });
});

/** Starts an add-passkey ceremony and makes its credential on a new authenticator; finish() sends it. */
async function passkeyCeremony(browser: BrowserClient): Promise<{ finish: () => Promise<Response> }> {
  const start = await browser.call("POST", "/api/auth/passkeys/add/start");
  expect(start.status).toBe(200);
  const { challengeId, options } = (await start.json()) as { challengeId: string; options: Record<string, unknown> };
  const credential = await new SoftwareAuthenticator({ origin: env.APP_ORIGIN }).create(options);
  return { finish: () => browser.call("POST", "/api/auth/passkeys/add/finish", { body: { challengeId, credential } }) };
}

describe("passkeys", () => {
  it("ceremonies started below the limit and finished at once add exactly the passkeys that fit", async () => {
    const { browser, user } = await signUpWithPasskey();
    const max = PASSKEY_BOUNDS.maxLive;
    // The sign-up's passkey and the ones added one after another leave room for 5.
    await makeMany(max - 6, async () => expect((await (await passkeyCeremony(browser)).finish()).status).toBe(200), 1);

    const started = await makeMany(12, () => passkeyCeremony(browser), 1);
    const burst = [...started];
    await expectBurstRefused(() => burst.pop()!.finish(), 12, 5, 200, refusal(`at most ${max} passkeys per account`));
    expect(await countRows("passkeys", "user_id = ?", user.id)).toBe(max);
    const refused = await browser.call("POST", "/api/auth/passkeys/add/start");
    expect(refused.status).toBe(403);
  });
});
