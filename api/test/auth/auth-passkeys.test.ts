import { env } from "cloudflare:workers";
import { meResponseSchema, registerFinishResponseSchema } from "@burstflare/sdk/schemas/auth";
import { describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../../../scripts/lib/software-authenticator.mjs";
import { BrowserClient, signInWithPasskey, signUpWithPasskey, uniqueEmail } from "../helpers/browser";

async function startRegistration(browser: BrowserClient, email = uniqueEmail()) {
  const res = await browser.call("POST", "/api/auth/passkeys/register/start", { body: { email } });
  expect(res.status).toBe(200);
  return (await res.json()) as { challengeId: string; options: Record<string, unknown> };
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe("passkey registration", () => {
  it("creates the user, an owned personal workspace, recovery codes and a cookie session", async () => {
    const browser = new BrowserClient();
    const email = uniqueEmail("reg");
    const start = await startRegistration(browser, email);
    const options = start.options as { rp: { id: string }; authenticatorSelection: { residentKey: string } };
    expect(options.rp.id).toBe(env.WEBAUTHN_RP_ID);
    expect(options.authenticatorSelection.residentKey).toBe("required");
    const auth = new SoftwareAuthenticator({ origin: env.APP_ORIGIN, attestation: "packed" });
    const credential = await auth.create(start.options);
    const res = await browser.call("POST", "/api/auth/passkeys/register/finish", { body: { challengeId: start.challengeId, credential } });
    expect(res.status).toBe(200);
    const body = registerFinishResponseSchema.parse(await res.json());
    expect(body.user.email).toBe(email);
    expect(body.workspace).toMatchObject({ personal: true, role: "owner", name: email.split("@")[0] });
    expect(body.recoveryCodes).toHaveLength(10);
    expect(new Set(body.recoveryCodes).size).toBe(10);

    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith("bf_session="))!;
    const csrf = cookies.find((c) => c.startsWith("bf_csrf="))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/i); // http://localhost development origin
    expect(csrf).not.toMatch(/HttpOnly/i);

    const me = meResponseSchema.parse(await (await browser.call("GET", "/api/auth/me")).json());
    expect(me).toMatchObject({
      user: { id: body.user.id },
      workspace: { id: body.workspace.id },
      role: "owner",
      via: "cookie",
      csrf: "ok",
    });
    expect(me.isOperator).toBe(false);

    // Only hashes are stored.
    const stored = await env.DB.prepare("SELECT code_hash FROM recovery_codes WHERE user_id = ?")
      .bind(body.user.id)
      .all<{ code_hash: string }>();
    expect(stored.results).toHaveLength(10);
    for (const code of body.recoveryCodes) expect(stored.results.map((r) => r.code_hash)).not.toContain(code);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE actor_id = ?").bind(body.user.id).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toContain("auth.signup");
  });

  it("rejects a replayed challenge: the second finish with the same challenge fails", async () => {
    const browser = new BrowserClient();
    const start = await startRegistration(browser);
    const credential = await new SoftwareAuthenticator({ origin: env.APP_ORIGIN }).create(start.options);
    expect(
      (await browser.call("POST", "/api/auth/passkeys/register/finish", { body: { challengeId: start.challengeId, credential } })).status,
    ).toBe(200);
    const again = await new BrowserClient().call("POST", "/api/auth/passkeys/register/finish", {
      body: { challengeId: start.challengeId, credential },
    });
    expect(again.status).toBe(400);
    expect(await errorCode(again)).toBe("challenge_invalid");
  });

  it("rejects an expired challenge", async () => {
    const browser = new BrowserClient();
    const start = await startRegistration(browser);
    // fixture-sql: the challenge's expiry moved into the past, as waiting out its TTL would leave it
    await env.DB.prepare("UPDATE auth_challenges SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, start.challengeId)
      .run();
    const credential = await new SoftwareAuthenticator({ origin: env.APP_ORIGIN }).create(start.options);
    const res = await browser.call("POST", "/api/auth/passkeys/register/finish", { body: { challengeId: start.challengeId, credential } });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("challenge_invalid");
    expect(await env.DB.prepare("SELECT id FROM auth_challenges WHERE id = ?").bind(start.challengeId).first()).toBeNull();
  });

  it("rejects a credential made for another origin or RP ID, and creates nothing", async () => {
    const browser = new BrowserClient();
    const email = uniqueEmail("evil");
    const start = await startRegistration(browser, email);
    const wrongOrigin = await new SoftwareAuthenticator({ origin: "http://localhost:6666" }).create(start.options);
    const res = await browser.call("POST", "/api/auth/passkeys/register/finish", {
      body: { challengeId: start.challengeId, credential: wrongOrigin },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "bad_request",
      message: expect.stringMatching(/origin/i),
    });

    const again = await startRegistration(browser, email);
    const wrongRP = await new SoftwareAuthenticator({ origin: env.APP_ORIGIN }).create(again.options, { rpId: "evil.example" });
    const res2 = await browser.call("POST", "/api/auth/passkeys/register/finish", {
      body: { challengeId: again.challengeId, credential: wrongRP },
    });
    expect(res2.status).toBe(400);
    expect(await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first()).toBeNull();
  });

  it("requires user verification", async () => {
    const browser = new BrowserClient();
    const start = await startRegistration(browser);
    const credential = await new SoftwareAuthenticator({ origin: env.APP_ORIGIN, userVerified: false }).create(start.options);
    const res = await browser.call("POST", "/api/auth/passkeys/register/finish", { body: { challengeId: start.challengeId, credential } });
    expect(res.status).toBe(400);
  });

  it("refuses a second account for the same email", async () => {
    const { user } = await signUpWithPasskey();
    const res = await new BrowserClient().call("POST", "/api/auth/passkeys/register/start", { body: { email: user.email.toUpperCase() } });
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("conflict");
  });
});

describe("passkey sign-in", () => {
  it("signs in with a discoverable passkey and a fresh session; the counter is stored", async () => {
    const { authenticator, user } = await signUpWithPasskey();
    const browser = new BrowserClient();
    const res = await signInWithPasskey(browser, authenticator);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { id: string } }).user.id).toBe(user.id);
    const me = await browser.call("GET", "/api/auth/me");
    expect(me.status).toBe(200);
    const stored = await env.DB.prepare("SELECT counter FROM passkeys WHERE user_id = ?").bind(user.id).first<{ counter: number }>();
    expect(stored?.counter).toBe(1);
  });

  it("sign-in start answers a known and an unknown email alike, and the passkey still signs in", async () => {
    const { authenticator, user } = await signUpWithPasskey();
    const shape = async (email: string) => {
      const res = await new BrowserClient().call("POST", "/api/auth/passkeys/login/start", { body: { email } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { challengeId: string; options: Record<string, unknown> };
      // Everything but the random challenge and its id must match between the two answers.
      const { challenge: _c, ...options } = body.options;
      return { keys: Object.keys(body).sort(), options };
    };
    const known = await shape(user.email);
    const unknown = await shape(uniqueEmail("nobody"));
    expect(known).toEqual(unknown);
    expect(known.options.allowCredentials ?? []).toEqual([]);
    expect((await signInWithPasskey(new BrowserClient(), authenticator)).status).toBe(200);
  });

  it("rejects a signature counter that went backwards (cloned authenticator) and audits it", async () => {
    const { authenticator, user } = await signUpWithPasskey();
    const browser = new BrowserClient();
    expect((await signInWithPasskey(browser, authenticator)).status).toBe(200);
    expect((await signInWithPasskey(browser, authenticator)).status).toBe(200);
    const start = await browser.call("POST", "/api/auth/passkeys/login/start", { body: {} });
    const { challengeId, options } = (await start.json()) as { challengeId: string; options: Record<string, unknown> };
    const cloned = await authenticator.get(options, { counter: 1 });
    const res = await browser.call("POST", "/api/auth/passkeys/login/finish", { body: { challengeId, credential: cloned } });
    expect(res.status).toBe(401);
    const err = ((await res.json()) as { error: { code: string; message: string } }).error;
    expect(err.code).toBe("unauthorized");
    expect(err.message).toMatch(/counter/i);
    // Recorded for operators (no workspace, no actor), never in the user's own workspace audit.
    const failed = await env.DB.prepare(
      "SELECT workspace_id, actor_id FROM audit_log WHERE action = 'auth.signin_failed' AND json_extract(details, '$.targetUserId') = ?",
    )
      .bind(user.id)
      .all<{ workspace_id: string | null; actor_id: string | null }>();
    expect(failed.results).toEqual([{ workspace_id: null, actor_id: null }]);
  });

  it("rejects an assertion for the wrong origin and a replayed login challenge", async () => {
    const { authenticator } = await signUpWithPasskey();
    const browser = new BrowserClient();
    const start = await browser.call("POST", "/api/auth/passkeys/login/start", { body: {} });
    const { challengeId, options } = (await start.json()) as { challengeId: string; options: Record<string, unknown> };
    const phished = await authenticator.get(options, { origin: "https://burstflare.evil" });
    const res = await browser.call("POST", "/api/auth/passkeys/login/finish", { body: { challengeId, credential: phished } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/origin/i);
    expect(browser.cookies.has("bf_session")).toBe(false);

    const good = await authenticator.get(options);
    const replay = await browser.call("POST", "/api/auth/passkeys/login/finish", { body: { challengeId, credential: good } });
    expect(replay.status).toBe(400);
    expect(await errorCode(replay)).toBe("challenge_invalid");
  });

  it("rejects an unknown credential", async () => {
    const stranger = new SoftwareAuthenticator({ origin: env.APP_ORIGIN });
    await stranger.create({ challenge: "x", rp: { id: "localhost", name: "x" }, user: { id: "dXNy", name: "x" } });
    const res = await signInWithPasskey(new BrowserClient(), stranger);
    expect(res.status).toBe(401);
  });
});

describe("browser session", () => {
  it("needs the CSRF header on cookie mutations", async () => {
    const { browser } = await signUpWithPasskey();
    const without = await browser.call("POST", "/api/auth/logout", { csrf: false });
    expect(without.status).toBe(403);
    expect(await errorCode(without)).toBe("csrf_failed");
    const wrong = await browser.call("POST", "/api/auth/logout", { csrf: false, headers: { "x-csrf-token": "nope" } });
    expect(wrong.status).toBe(403);
    expect((await browser.call("GET", "/api/auth/me")).status).toBe(200);
  });

  it("logout ends the session on the next request", async () => {
    const { browser } = await signUpWithPasskey();
    const cookie = browser.cookies.get("bf_session")!;
    expect((await browser.call("POST", "/api/auth/logout")).status).toBe(200);
    expect(browser.cookies.has("bf_session")).toBe(false);
    // Even a client that kept the old cookie is refused.
    browser.cookies.set("bf_session", cookie);
    const me = await browser.call("GET", "/api/auth/me");
    expect(me.status).toBe(401);
  });

  it("refuses cross-site cookie-setting requests (login CSRF)", async () => {
    const res = await new BrowserClient().call("POST", "/api/auth/passkeys/login/start", {
      body: {},
      headers: { origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    const res2 = await new BrowserClient().call("POST", "/api/auth/recover", {
      body: { email: "a@example.com", code: "AAAA-BBBB-CCCC" },
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(res2.status).toBe(403);
  });

  it("re-issues a missing CSRF cookie from /me", async () => {
    const { browser } = await signUpWithPasskey();
    browser.cookies.delete("bf_csrf");
    const me = (await (await browser.call("GET", "/api/auth/me")).json()) as { csrf: string };
    expect(me.csrf).toBe("reissued");
    expect(browser.csrf).toBeTruthy();
    expect((await browser.call("POST", "/api/auth/logout")).status).toBe(200);
  });
});
