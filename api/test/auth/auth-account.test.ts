import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../../../scripts/lib/software-authenticator.mjs";
import { addressKey, DEFAULT_LIMITS } from "../../src/middleware/rate-limit";
import { createInvite } from "../../src/workspaces/invites";
import { BrowserClient, signInWithPasskey, signUpWithPasskey, uniqueEmail } from "../helpers/browser";
import { proveWithBootstrapCode } from "../helpers/operator";
import { call, createTestUser } from "../helpers/users";

type Err = { error: { code: string; message: string } };
const code = async (res: Response) => ((await res.json()) as Err).error.code;

const mutableEnv = env as unknown as Record<string, string | undefined>;
const saved = { ...mutableEnv };
const realFetch = globalThis.fetch;
afterEach(() => {
  for (const k of ["SIGNUP_POLICY", "TURNSTILE_SECRET_KEY", "TURNSTILE_VERIFY_URL", "RATE_LIMITS"]) mutableEnv[k] = saved[k];
  globalThis.fetch = realFetch;
});

const registerStart = (body: Record<string, unknown>, browser = new BrowserClient()) =>
  browser.call("POST", "/api/auth/passkeys/register/start", { body });

/** Open sign-up, and an owner's workspace invite for `role` that a new account can redeem. */
async function openSignupWithInvite(role: "member" | "viewer") {
  mutableEnv.SIGNUP_POLICY = "open";
  const owner = await createTestUser();
  const { code: inviteCode } = await createInvite(env, {
    workspaceId: owner.workspaceId,
    createdBy: owner.userId,
    creatorRole: "owner",
    role,
    expiresInHours: 24,
  });
  return { owner, inviteCode };
}

describe("sign-up policy", () => {
  it("closed refuses every sign-up with 403 signup_closed", async () => {
    mutableEnv.SIGNUP_POLICY = "closed";
    const res = await registerStart({ email: uniqueEmail() });
    expect(res.status).toBe(403);
    expect(await code(res)).toBe("signup_closed");
  });

  it("invite-only needs an operator invite, which works once and only for its email", async () => {
    mutableEnv.SIGNUP_POLICY = "invite-only";
    const none = await registerStart({ email: uniqueEmail() });
    expect(none.status).toBe(403);
    expect(await code(none)).toBe("signup_closed");

    // Operators issue invites; others may not.
    const member = await createTestUser();
    expect((await call("POST", "/api/admin/signup-invites", { user: member, body: {} })).status).toBe(403);
    const operator = await createTestUser({ email: `operator-${Date.now()}@example.com` });
    mutableEnv.OPERATOR_EMAILS = operator.email;
    await proveWithBootstrapCode(operator);
    const email = uniqueEmail("invited");
    const issued = await call("POST", "/api/admin/signup-invites", { user: operator, body: { email } });
    mutableEnv.OPERATOR_EMAILS = saved.OPERATOR_EMAILS;
    expect(issued.status).toBe(200);
    const { code: inviteCode } = (await issued.json()) as { code: string };

    const wrongEmail = await registerStart({ email: uniqueEmail(), inviteCode });
    expect(wrongEmail.status).toBe(403);
    const bogus = await registerStart({ email, inviteCode: "bfi_nope" });
    expect(bogus.status).toBe(404);

    const { user, workspace } = await signUpWithPasskey({ email, inviteCode });
    expect(user.email).toBe(email);
    expect(workspace.personal).toBe(true);
    const used = await registerStart({ email: uniqueEmail(), inviteCode });
    expect(used.status).toBe(410);
    const row = await env.DB.prepare("SELECT used_by FROM invites WHERE used_by = ?").bind(user.id).first();
    expect(row).not.toBeNull();
  });

  it("with open sign-up, a workspace invite admits a new user into that workspace with the invited role", async () => {
    const { owner, inviteCode } = await openSignupWithInvite("member");
    const { browser, workspace } = await signUpWithPasskey({ inviteCode });
    expect(workspace).toMatchObject({ id: owner.workspaceId, role: "member" });
    const me = (await (await browser.call("GET", "/api/auth/me")).json()) as { workspace: { id: string }; role: string };
    expect(me).toMatchObject({ workspace: { id: owner.workspaceId }, role: "member" });
  });

  it("a consumed invite raced away during the ceremony creates nothing", async () => {
    const { inviteCode } = await openSignupWithInvite("viewer");
    const browser = new BrowserClient();
    const email = uniqueEmail("race");
    const start = (await (await registerStart({ email, inviteCode }, browser)).json()) as {
      challengeId: string;
      options: Record<string, unknown>;
    };
    // Someone else redeems the code meanwhile.
    const someone = await createTestUser();
    expect((await call("POST", "/api/workspaces/invites/accept", { user: someone, body: { code: inviteCode } })).status).toBe(200);
    const credential = await new SoftwareAuthenticator({ origin: env.APP_ORIGIN }).create(start.options);
    const res = await browser.call("POST", "/api/auth/passkeys/register/finish", { body: { challengeId: start.challengeId, credential } });
    expect(res.status).toBe(410);
    expect(await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first()).toBeNull();
  });
});

describe("Turnstile", () => {
  /** A stand-in for Cloudflare's siteverify endpoint: checks the secret and accepts one token. */
  function fakeSiteverify(): { calls: number } {
    const state = { calls: 0 };
    mutableEnv.TURNSTILE_SECRET_KEY = "test-secret";
    mutableEnv.TURNSTILE_VERIFY_URL = "https://turnstile.invalid/siteverify";
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url !== "https://turnstile.invalid/siteverify") return realFetch(input, init);
      state.calls++;
      const form = (await new Request(url, init).formData()) as unknown as { get(name: string): string | null };
      const ok = form.get("secret") === "test-secret" && form.get("response") === "human-token";
      return Response.json({ success: ok, "error-codes": ok ? [] : ["invalid-input-response"] });
    }) as typeof fetch;
    return state;
  }

  it("guards registration, recovery and device approval when a secret is set", async () => {
    const { browser, user, recoveryCodes } = await signUpWithPasskey();
    const fake = fakeSiteverify();
    const health = (await (await call("GET", "/api/health")).json()) as { turnstileEnabled: boolean };
    expect(health.turnstileEnabled).toBe(true);

    const missing = await registerStart({ email: uniqueEmail() });
    expect(missing.status).toBe(403);
    expect(await code(missing)).toBe("turnstile_failed");
    const wrong = await registerStart({ email: uniqueEmail(), turnstileToken: "bot" });
    expect(await code(wrong)).toBe("turnstile_failed");
    expect((await registerStart({ email: uniqueEmail(), turnstileToken: "human-token" })).status).toBe(200);

    const recover = (turnstileToken?: string) =>
      new BrowserClient().call("POST", "/api/auth/recover", { body: { email: user.email, code: recoveryCodes[0], turnstileToken } });
    expect(await code(await recover())).toBe("turnstile_failed");
    expect((await recover("human-token")).status).toBe(200);

    const start = (await (await call("POST", "/api/cli/device/start")).json()) as { userCode: string };
    expect(await code(await browser.call("POST", "/api/cli/device/approve", { body: { userCode: start.userCode } }))).toBe(
      "turnstile_failed",
    );
    const ok = await browser.call("POST", "/api/cli/device/approve", { body: { userCode: start.userCode, turnstileToken: "human-token" } });
    expect(ok.status).toBe(200);
    // Requests without a token are refused before calling out.
    expect(fake.calls).toBe(4);
  });
});

describe("recovery codes", () => {
  it("each code signs in exactly once; the SPA can then add a passkey", async () => {
    const { user, recoveryCodes } = await signUpWithPasskey();
    const browser = new BrowserClient();
    const typed = recoveryCodes[3]!.toLowerCase().replace(/-/g, " ");
    const res = await browser.call("POST", "/api/auth/recover", { body: { email: user.email, code: typed } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { remainingRecoveryCodes: number }).remainingRecoveryCodes).toBe(9);
    expect((await browser.call("GET", "/api/auth/me")).status).toBe(200);

    const again = await new BrowserClient().call("POST", "/api/auth/recover", { body: { email: user.email, code: recoveryCodes[3] } });
    expect(again.status).toBe(401);
    expect(await code(again)).toBe("unauthorized");
    // Another user's email with this code fails too.
    const other = await signUpWithPasskey();
    expect(
      (await new BrowserClient().call("POST", "/api/auth/recover", { body: { email: other.user.email, code: recoveryCodes[4] } })).status,
    ).toBe(401);

    // Recovered session adds a new passkey, which then signs in.
    const start = await browser.call("POST", "/api/auth/passkeys/add/start");
    const { challengeId, options } = (await start.json()) as { challengeId: string; options: Record<string, unknown> };
    const fresh = new SoftwareAuthenticator({ origin: env.APP_ORIGIN });
    const credential = await fresh.create(options);
    const added = await browser.call("POST", "/api/auth/passkeys/add/finish", { body: { challengeId, credential, name: "New laptop" } });
    expect(added.status).toBe(200);
    expect((await signInWithPasskey(new BrowserClient(), fresh)).status).toBe(200);
    const actions = await env.DB.prepare("SELECT action FROM audit_log WHERE actor_id = ?").bind(user.id).all<{ action: string }>();
    expect(actions.results.map((r) => r.action)).toEqual(expect.arrayContaining(["auth.recover", "auth.passkey_add"]));
    // The stranger's failed attempt is in the operators' security log, not the user's workspace audit.
    expect(actions.results.map((r) => r.action)).not.toContain("auth.signin_failed");
    const failed = await env.DB.prepare(
      "SELECT workspace_id FROM audit_log WHERE action = 'auth.signin_failed' AND json_extract(details, '$.targetUserId') = ?",
    )
      .bind(user.id)
      .all<{ workspace_id: string | null }>();
    expect(failed.results).toEqual([{ workspace_id: null }]);
  });

  it("regeneration replaces all codes", async () => {
    const { browser, user, recoveryCodes } = await signUpWithPasskey();
    const res = await browser.call("POST", "/api/auth/recovery-codes");
    const fresh = ((await res.json()) as { recoveryCodes: string[] }).recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(
      (await new BrowserClient().call("POST", "/api/auth/recover", { body: { email: user.email, code: recoveryCodes[0] } })).status,
    ).toBe(401);
    expect((await new BrowserClient().call("POST", "/api/auth/recover", { body: { email: user.email, code: fresh[0] } })).status).toBe(200);
    const status = (await (await browser.call("GET", "/api/auth/recovery-codes")).json()) as { remaining: number };
    expect(status.remaining).toBe(9);
  });
});

describe("passkey management", () => {
  it("lists, renames and deletes passkeys but never the last one", async () => {
    const { browser, authenticator } = await signUpWithPasskey();
    const list = async () =>
      ((await (await browser.call("GET", "/api/auth/passkeys")).json()) as { passkeys: { id: string; name: string }[] }).passkeys;
    const [only] = await list();
    const last = await browser.call("DELETE", `/api/auth/passkeys/${only!.id}`);
    expect(last.status).toBe(409);
    expect(await code(last)).toBe("invalid_state");

    const start = (await (await browser.call("POST", "/api/auth/passkeys/add/start")).json()) as {
      challengeId: string;
      options: { excludeCredentials: { id: string }[] } & Record<string, unknown>;
    };
    expect(start.options.excludeCredentials.map((c) => c.id)).toEqual([only!.id]);
    const credential = await authenticator.create(start.options);
    expect(
      (await browser.call("POST", "/api/auth/passkeys/add/finish", { body: { challengeId: start.challengeId, credential } })).status,
    ).toBe(200);
    expect(await list()).toHaveLength(2);

    const renamed = await browser.call("PATCH", `/api/auth/passkeys/${only!.id}`, { body: { name: "Work laptop" } });
    expect(renamed.status).toBe(200);
    expect((await list()).find((p) => p.id === only!.id)?.name).toBe("Work laptop");
    expect((await browser.call("DELETE", `/api/auth/passkeys/${only!.id}`)).status).toBe(200);
    expect(await list()).toHaveLength(1);
  });

  it("cannot touch another user's passkeys or finish their ceremony", async () => {
    const a = await signUpWithPasskey();
    const b = await signUpWithPasskey();
    const bKey = ((await (await b.browser.call("GET", "/api/auth/passkeys")).json()) as { passkeys: { id: string }[] }).passkeys[0]!;
    expect((await a.browser.call("PATCH", `/api/auth/passkeys/${bKey.id}`, { body: { name: "mine" } })).status).toBe(404);
    expect((await a.browser.call("DELETE", `/api/auth/passkeys/${bKey.id}`)).status).toBe(404);
    const start = (await (await b.browser.call("POST", "/api/auth/passkeys/add/start")).json()) as {
      challengeId: string;
      options: Record<string, unknown>;
    };
    const credential = await a.authenticator.create(start.options);
    const res = await a.browser.call("POST", "/api/auth/passkeys/add/finish", { body: { challengeId: start.challengeId, credential } });
    expect(res.status).toBe(400);
    expect(await code(res)).toBe("challenge_invalid");
  });
});

describe("rate limits", () => {
  it("count an IPv6 client by its /64, which it can spread its requests over, and IPv4 by address", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("2001:db8:0:0:1::")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("2001:db8:1:3::1")).not.toBe(addressKey("2001:db8:1:2::1"));
    expect(addressKey("203.0.113.7")).toBe("203.0.113.7");
  });

  it("one IPv6 client rotating addresses inside its /64 shares one budget", async () => {
    const { limit } = DEFAULT_LIMITS["auth.recover"];
    const within = (i: number) => new BrowserClient(`2001:db8:77:1:${(i + 1).toString(16)}::${i + 7}`);
    for (let i = 0; i < limit; i++) {
      const res = await within(i).call("POST", "/api/auth/recover", { body: { email: `v6-${i}@example.com`, code: "AAAA-BBBB-CCCC" } });
      expect(res.status).toBe(401);
    }
    const blocked = await within(limit).call("POST", "/api/auth/recover", {
      body: { email: "v6-last@example.com", code: "AAAA-BBBB-CCCC" },
    });
    expect(blocked.status).toBe(429);
    const neighbour = await new BrowserClient("2001:db8:77:2::1").call("POST", "/api/auth/recover", {
      body: { email: "v6-neighbour@example.com", code: "AAAA-BBBB-CCCC" },
    });
    expect(neighbour.status).toBe(401);
  });

  it("answer 429 rate_limited with Retry-After once an IP spends its budget", async () => {
    const browser = new BrowserClient("203.0.113.77");
    const { limit, windowSeconds } = DEFAULT_LIMITS["auth.recover"];
    for (let i = 0; i < limit; i++) {
      const res = await browser.call("POST", "/api/auth/recover", { body: { email: "nobody@example.com", code: "AAAA-BBBB-CCCC" } });
      expect(res.status).toBe(401);
    }
    const blocked = await browser.call("POST", "/api/auth/recover", { body: { email: "nobody@example.com", code: "AAAA-BBBB-CCCC" } });
    expect(blocked.status).toBe(429);
    expect(await code(blocked)).toBe("rate_limited");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
    // Other clients are unaffected.
    expect(
      (await new BrowserClient("203.0.113.79").call("POST", "/api/auth/recover", { body: { email: "other@example.com", code: "x-x-x-x" } }))
        .status,
    ).toBe(401);
    // …but one account's codes cannot be guessed faster by spreading over addresses.
    for (let i = limit; i < DEFAULT_LIMITS["auth.recover_email"].limit; i++) {
      await new BrowserClient().call("POST", "/api/auth/recover", { body: { email: "nobody@example.com", code: "AAAA-BBBB-CCCC" } });
    }
    const perEmail = await new BrowserClient().call("POST", "/api/auth/recover", {
      body: { email: "nobody@example.com", code: "AAAA-BBBB-CCCC" },
    });
    expect(perEmail.status).toBe(429);
  });

  it("limits are configurable with RATE_LIMITS", async () => {
    mutableEnv.RATE_LIMITS = JSON.stringify({ "device.start": { limit: 2, windowSeconds: 60 } });
    const headers = { "cf-connecting-ip": "198.51.100.9" };
    expect((await call("POST", "/api/cli/device/start", { headers })).status).toBe(200);
    expect((await call("POST", "/api/cli/device/start", { headers })).status).toBe(200);
    const res = await call("POST", "/api/cli/device/start", { headers });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBeTruthy();
  });
});
