import { env } from "cloudflare:workers";
import { deviceRequestViewSchema, deviceStartResponseSchema, tokenPairSchema } from "@burstflare/sdk/schemas/auth";
import { describe, expect, it } from "vitest";
import { BrowserClient, signUpWithPasskey } from "../helpers/browser";
import { countRows } from "../helpers/db";
import { call, createTestUser } from "../helpers/users";

type Err = { error: { code: string; message: string; details?: { interval?: number } } };
const err = async (res: Response) => ((await res.json()) as Err).error;
const cli = (ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`) => ({ "cf-connecting-ip": ip });

async function startDevice() {
  const res = await call("POST", "/api/cli/device/start", { headers: cli() });
  expect(res.status).toBe(200);
  return deviceStartResponseSchema.parse(await res.json());
}

const exchange = (deviceCode: string) => call("POST", "/api/cli/device/exchange", { body: { deviceCode }, headers: cli() });

/** Rewinds the device record's last poll so the next poll is on time, as if `interval` seconds passed. */
async function letIntervalPass(deviceCode: string): Promise<void> {
  const { sha256Hex } = await import("../../src/lib/crypto");
  const key = `device:dc:${await sha256Hex(`device:${deviceCode}`)}`;
  const record = JSON.parse((await env.KV.get(key))!) as { lastPollAt: number | null; interval: number };
  record.lastPollAt = Date.now() - record.interval * 1000 - 1;
  await env.KV.put(key, JSON.stringify(record), { expirationTtl: 600 });
}

async function loginWithDevice(browser: BrowserClient) {
  const start = await startDevice();
  expect((await browser.call("POST", "/api/cli/device/approve", { body: { userCode: start.userCode } })).status).toBe(200);
  const res = await exchange(start.deviceCode);
  expect(res.status).toBe(200);
  return tokenPairSchema.parse(await res.json());
}

describe("CLI device flow", () => {
  it("start → pending → slow_down → approve in the browser → tokens, once", async () => {
    const { browser, user, workspace } = await signUpWithPasskey();
    const start = await startDevice();
    expect(start.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(start.verificationUri).toBe(`${env.APP_ORIGIN}/device`);
    expect(start.interval).toBe(5);
    expect(start.expiresIn).toBe(600);

    const pending = await exchange(start.deviceCode);
    expect(pending.status).toBe(400);
    expect((await err(pending)).code).toBe("authorization_pending");
    const tooFast = await exchange(start.deviceCode);
    expect(tooFast.status).toBe(400);
    const slow = await err(tooFast);
    expect(slow.code).toBe("slow_down");
    expect(slow.details?.interval).toBe(10);
    await letIntervalPass(start.deviceCode);
    expect((await err(await exchange(start.deviceCode))).code).toBe("authorization_pending");

    // The approve page sends the code as typed: lower case, no dash is fine.
    const approve = await browser.call("POST", "/api/cli/device/approve", {
      body: { userCode: start.userCode.replace("-", "").toLowerCase() },
    });
    expect(approve.status).toBe(200);
    const res = await exchange(start.deviceCode);
    expect(res.status).toBe(200);
    const tokens = tokenPairSchema.parse(await res.json());
    expect(tokens.accessToken.startsWith("bfa_")).toBe(true);
    expect(tokens.refreshToken.startsWith("bfr_")).toBe(true);
    expect(tokens.expiresIn).toBe(900);

    const me = (await (await call("GET", "/api/auth/me", { headers: { authorization: `Bearer ${tokens.accessToken}` } })).json()) as {
      user: { id: string };
      workspace: { id: string };
      via: string;
    };
    expect(me).toMatchObject({ user: { id: user.id }, workspace: { id: workspace.id }, via: "bearer" });

    const again = await exchange(start.deviceCode);
    expect((await err(again)).code).toBe("expired_token");
  });

  it("answers expired_token after the code expires, and for unknown codes", async () => {
    const start = await startDevice();
    const { sha256Hex } = await import("../../src/lib/crypto");
    const key = `device:dc:${await sha256Hex(`device:${start.deviceCode}`)}`;
    const record = JSON.parse((await env.KV.get(key))!) as { expiresAt: number };
    record.expiresAt = Date.now() - 1;
    await env.KV.put(key, JSON.stringify(record), { expirationTtl: 600 });
    expect((await err(await exchange(start.deviceCode))).code).toBe("expired_token");
    expect((await err(await exchange("x".repeat(43)))).code).toBe("expired_token");
  });

  it("tells the approver when, from which client and address the sign-in was asked for (a phished link shows another's)", async () => {
    const { browser } = await signUpWithPasskey();
    const res = await call("POST", "/api/cli/device/start", {
      headers: { ...cli("203.0.113.7"), "user-agent": "flare/9.9 (attacker-box)" },
    });
    const start = deviceStartResponseSchema.parse(await res.json());
    const inspect = (userCode: string, opts: { csrf?: boolean } = {}) =>
      browser.call("POST", "/api/cli/device/inspect", { body: { userCode }, ...opts });
    const seen = await inspect(start.userCode.replace("-", "").toLowerCase());
    expect(seen.status).toBe(200);
    const view = deviceRequestViewSchema.parse(await seen.json());
    expect(view).toMatchObject({ userAgent: "flare/9.9 (attacker-box)", ip: "203.0.113.7" });
    expect(Math.abs(Date.parse(view.requestedAt) - Date.now())).toBeLessThan(60_000);

    // Only a signed-in person, with CSRF, about a pending code.
    expect((await call("POST", "/api/cli/device/inspect", { body: { userCode: start.userCode } })).status).toBe(401);
    expect((await inspect(start.userCode, { csrf: false })).status).toBe(403);
    expect((await inspect("BBBB-BBBB")).status).toBe(404);
    expect((await browser.call("POST", "/api/cli/device/deny", { body: { userCode: start.userCode } })).status).toBe(200);
    expect((await inspect(start.userCode)).status).toBe(409);
  });

  it("denied requests answer access_denied; approving needs a signed-in person with CSRF", async () => {
    const { browser } = await signUpWithPasskey();
    const start = await startDevice();
    expect((await call("POST", "/api/cli/device/approve", { body: { userCode: start.userCode } })).status).toBe(401);
    expect((await browser.call("POST", "/api/cli/device/approve", { body: { userCode: start.userCode }, csrf: false })).status).toBe(403);
    expect((await browser.call("POST", "/api/cli/device/deny", { body: { userCode: start.userCode } })).status).toBe(200);
    const res = await exchange(start.deviceCode);
    expect(res.status).toBe(403);
    expect((await err(res)).code).toBe("access_denied");
    const late = await browser.call("POST", "/api/cli/device/approve", { body: { userCode: start.userCode } });
    expect(late.status).toBe(409);
    const unknown = await browser.call("POST", "/api/cli/device/approve", { body: { userCode: "BBBB-BBBB" } });
    expect(unknown.status).toBe(404);
  });
});

describe("refresh tokens", () => {
  it("rotate: a refresh gives new tokens and the old access token stops working", async () => {
    const { browser } = await signUpWithPasskey();
    const first = await loginWithDevice(browser);
    const res = await call("POST", "/api/auth/refresh", { body: { refreshToken: first.refreshToken }, headers: cli() });
    expect(res.status).toBe(200);
    const second = tokenPairSchema.parse(await res.json());
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await call("GET", "/api/auth/me", { headers: { authorization: `Bearer ${first.accessToken}` } })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", { headers: { authorization: `Bearer ${second.accessToken}` } })).status).toBe(200);
  });

  it("reuse of a used refresh token revokes the whole family and its session", async () => {
    const { browser } = await signUpWithPasskey();
    const first = await loginWithDevice(browser);
    const rotated = tokenPairSchema.parse(
      await (await call("POST", "/api/auth/refresh", { body: { refreshToken: first.refreshToken }, headers: cli() })).json(),
    );
    const reuse = await call("POST", "/api/auth/refresh", { body: { refreshToken: first.refreshToken }, headers: cli() });
    expect(reuse.status).toBe(401);
    expect((await err(reuse)).code).toBe("token_reused");
    // The legitimate holder's newer tokens die too.
    expect((await call("GET", "/api/auth/me", { headers: { authorization: `Bearer ${rotated.accessToken}` } })).status).toBe(401);
    const next = await call("POST", "/api/auth/refresh", { body: { refreshToken: rotated.refreshToken }, headers: cli() });
    expect(next.status).toBe(401);
    expect(await countRows("audit_log", "action = 'auth.refresh_token_reused'")).toBeGreaterThanOrEqual(1);
  });

  it("rejects unknown and non-refresh tokens", async () => {
    expect((await call("POST", "/api/auth/refresh", { body: { refreshToken: "bfr_nope-nope-nope" }, headers: cli() })).status).toBe(401);
    expect((await call("POST", "/api/auth/refresh", { body: { refreshToken: "bfa_not-a-refresh" }, headers: cli() })).status).toBe(401);
  });
});

describe("sign-ins", () => {
  it("lists browser and CLI sign-ins; revoking one takes effect on the very next request", async () => {
    const { browser } = await signUpWithPasskey();
    const tokens = await loginWithDevice(browser);
    const list = (await (await browser.call("GET", "/api/auth/sign-ins")).json()) as {
      signIns: { id: string; kind: string; current: boolean }[];
    };
    expect(list.signIns.map((s) => s.kind).sort()).toEqual(["browser", "cli"]);
    expect(list.signIns.find((s) => s.kind === "browser")?.current).toBe(true);
    const cliSignIn = list.signIns.find((s) => s.kind === "cli")!;
    const bearer = { authorization: `Bearer ${tokens.accessToken}` };
    expect((await call("GET", "/api/auth/me", { headers: bearer })).status).toBe(200);
    expect((await browser.call("DELETE", `/api/auth/sign-ins/${cliSignIn.id}`)).status).toBe(200);
    expect((await call("GET", "/api/auth/me", { headers: bearer })).status).toBe(401);
    // Its refresh token is dead as well.
    expect((await call("POST", "/api/auth/refresh", { body: { refreshToken: tokens.refreshToken }, headers: cli() })).status).toBe(401);
  });

  it("cannot revoke another user's sign-in (404)", async () => {
    const a = await signUpWithPasskey();
    const b = await signUpWithPasskey();
    const bSignIns = (await (await b.browser.call("GET", "/api/auth/sign-ins")).json()) as { signIns: { id: string }[] };
    const res = await a.browser.call("DELETE", `/api/auth/sign-ins/${bSignIns.signIns[0]!.id}`);
    expect(res.status).toBe(404);
    expect((await b.browser.call("GET", "/api/auth/me")).status).toBe(200);
  });

  it("the deprecated /api/auth/sessions paths answer as before until 0.3.0", async () => {
    const { browser } = await signUpWithPasskey();
    const tokens = await loginWithDevice(browser);
    const fresh = (await (await browser.call("GET", "/api/auth/sign-ins")).json()) as { signIns: { id: string }[] };
    const old = (await (await browser.call("GET", "/api/auth/sessions")).json()) as { sessions: { id: string }[] };
    // The same list, under the old key.
    expect(old.sessions.map((s) => s.id).sort()).toEqual(fresh.signIns.map((s) => s.id).sort());
    const me = (await (await browser.call("GET", "/api/auth/me")).json()) as { signInId: string; authSessionId: string };
    expect(me.authSessionId).toBe(me.signInId);
    const cli = old.sessions.find((s) => s.id !== me.signInId)!;
    expect((await browser.call("DELETE", `/api/auth/sessions/${cli.id}`)).status).toBe(200);
    expect((await call("GET", "/api/auth/me", { headers: { authorization: `Bearer ${tokens.accessToken}` } })).status).toBe(401);
    // Someone else's, or a revoked one, is 404 there too.
    expect((await browser.call("DELETE", `/api/auth/sessions/${cli.id}`)).status).toBe(404);
    const doc = (await (await call("GET", "/api/openapi.json")).json()) as {
      paths: Record<string, Record<string, { deprecated?: boolean }>>;
    };
    expect(doc.paths["/api/auth/sessions"]?.get?.deprecated).toBe(true);
    expect(doc.paths["/api/auth/sessions/{signInId}"]?.delete?.deprecated).toBe(true);
    expect(doc.paths["/api/auth/sign-ins"]?.get?.deprecated).toBeUndefined();
  });

  it("logout-all ends browser and CLI sessions", async () => {
    const { browser, authenticator } = await signUpWithPasskey();
    const tokens = await loginWithDevice(browser);
    const other = new BrowserClient();
    const { signInWithPasskey } = await import("../helpers/browser");
    expect((await signInWithPasskey(other, authenticator)).status).toBe(200);
    const res = await browser.call("POST", "/api/auth/logout-all");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { revoked: number }).revoked).toBe(3);
    expect((await other.call("GET", "/api/auth/me")).status).toBe(401);
    expect((await call("GET", "/api/auth/me", { headers: { authorization: `Bearer ${tokens.accessToken}` } })).status).toBe(401);
  });
});

describe("API tokens", () => {
  it("are shown once, work as bearer tokens, are listed without the secret and can be revoked", async () => {
    const user = await createTestUser();
    const res = await call("POST", "/api/auth/tokens", { user, body: { name: "ci", expiresInDays: 30 } });
    expect(res.status).toBe(200);
    const { token, apiToken } = (await res.json()) as { token: string; apiToken: { id: string; prefix: string; expiresAt: string } };
    expect(token.startsWith("bfp_")).toBe(true);
    expect(token.startsWith(apiToken.prefix)).toBe(true);
    expect(new Date(apiToken.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const asToken = { authorization: `Bearer ${token}` };
    const me = (await (await call("GET", "/api/auth/me", { headers: asToken })).json()) as { via: string };
    expect(me.via).toBe("api_token");
    const list = await (await call("GET", "/api/auth/tokens", { user })).text();
    expect(list).toContain(apiToken.id);
    expect(list).not.toContain(token);
    // An API token cannot mint more credentials.
    expect((await call("POST", "/api/auth/tokens", { headers: asToken, body: { name: "more" } })).status).toBe(403);
    expect((await call("DELETE", `/api/auth/tokens/${apiToken.id}`, { user })).status).toBe(200);
    expect((await call("GET", "/api/auth/me", { headers: asToken })).status).toBe(401);
    expect((await call("DELETE", `/api/auth/tokens/${apiToken.id}`, { user })).status).toBe(404);
  });
});

describe("an API token and the person's sign-ins", () => {
  it("cannot list, revoke or end the sign-ins of its user (403 token_not_allowed); the CLI sign-in can", async () => {
    const { browser } = await signUpWithPasskey();
    const tokens = await loginWithDevice(browser);
    const asCLI = { authorization: `Bearer ${tokens.accessToken}` };
    const created = await call("POST", "/api/auth/tokens", { headers: asCLI, body: { name: "leaked in CI" } });
    expect(created.status).toBe(200);
    const asToken = { authorization: `Bearer ${((await created.json()) as { token: string }).token}` };

    const listed = await call("GET", "/api/auth/sign-ins", { headers: asCLI });
    expect(listed.status).toBe(200);
    const { signIns } = (await listed.json()) as { signIns: { id: string }[] };
    expect(signIns.length).toBe(2);
    const victim = signIns[0]!.id;
    for (const [method, path] of [
      ["GET", "/api/auth/sign-ins"],
      ["GET", "/api/auth/sessions"],
      ["DELETE", `/api/auth/sign-ins/${victim}`],
      ["DELETE", `/api/auth/sessions/${victim}`],
      ["POST", "/api/auth/logout-all"],
    ] as const) {
      const res = await call(method, path, { headers: asToken });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await err(res)).code, `${method} ${path}`).toBe("token_not_allowed");
    }
    // Both sign-ins still work; the token still works for what it is for.
    expect((await browser.call("GET", "/api/auth/me")).status).toBe(200);
    expect((await call("GET", "/api/auth/me", { headers: asCLI })).status).toBe(200);
    expect((await call("GET", "/api/auth/me", { headers: asToken })).status).toBe(200);
  });
});

describe("SSH keys", () => {
  const ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ3Jk2trESKLCYTwuBM5k8Fjhj/TsEuNmQ5jWlMVnBqH alice@laptop";
  const ecdsa =
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOot2kyW60X9WAIjScrCWnF9rqyfAD1qvRS8JaQSO5eWKn2fqkPFCMFkK4IJSIGNljO/OQDLcdX212PnneCaXh4= ec";
  const rsa3072 =
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQCmk/QPfsyRGdWV/sdXVnsv1YcwXE4dMVLAMR8JdeZR42B4S2XUsYJhzhkJokPUodoze+Zr6LWZdjVhbaoK46jQfnvIvz8Z2R/XryLba2nvhkJsBhVUL4Mxzbh/5Df2dS2hxFqEkSVOwGeBCXWiUnb9wca5ePXv+vQ07nkiZ7FVUSxY47ToBONztaJfuiJZUnp02gjQ+O5C3hu65SW42B1lJmNFxiq4Mpd9sa/P6siQ6Bf1faPb5rO5GazmWuZjIOozksXAMislq6PUtgvcZGq/T1SdDn9jVvc4YchRQNyvwGmIwf8+rI8evMAc79tyWPUrp0FxqavK4vFkw3MLiqa8VsivYiwg26ZqkpmX+MUEvvsq2jH3sELxfR6d+inLr2VoEr5Gi8gF7mQOxpE5xIUUlzwjbFsexbca7T12pSF0BSbJpKc5otN7AnxZ7grt8hVd9UTRVLaYIq67s7C8Zy3VGholTCh4nHT1owLYZkaRCZo7+93iS1xSVQs63waELfc= rsa";
  const rsa1024 =
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDIQVihCrvLtyp4EHnPiXhJFJ2rtFNrDCNm3+Z4hkEhMoU8WR+2s0goQ3BzbtE/208yeq/SJqjXMeVTIbbuie31AOLayN7LGQ3Bz3I53k1M4K3Eb+93EjtoHK2tuCJhT8WL/xk7xHucn/CyjNe1foREWIOyedDiPdW67/Vv5Jakvw== weak";

  it("accepts OpenSSH keys with the fingerprint ssh-keygen prints", async () => {
    const user = await createTestUser();
    const cases = [
      [ed25519, "SHA256:/mReDCUpAxUW3NrBTbqxANes96xYdoXezQfIXNUtdTg", "alice@laptop"],
      [ecdsa, "SHA256:0WHO5XHwQg2GwPhiC9Mi2if1O0zD8lL9JDn7OXAwoDg", "ec"],
      [rsa3072, "SHA256:7O/MadV2tV48Nud6JOQqIY5DHjO8J0YH37cLMM+CFR4", "rsa"],
    ] as const;
    for (const [publicKey, fingerprint, name] of cases) {
      const res = await call("POST", "/api/auth/ssh-keys", { user, body: { publicKey } });
      expect(res.status).toBe(200);
      const { key } = (await res.json()) as { key: { fingerprint: string; name: string; publicKey: string; managed: boolean } };
      expect(key).toMatchObject({ fingerprint, name, managed: false });
      expect(key.publicKey).toBe(publicKey.split(" ").slice(0, 2).join(" "));
    }
    const dup = await call("POST", "/api/auth/ssh-keys", { user, body: { publicKey: ed25519, name: "again" } });
    expect(dup.status).toBe(409);
    const managed = await call("POST", "/api/auth/ssh-keys", {
      user: await createTestUser(),
      body: { publicKey: ed25519, name: "flare", managed: true },
    });
    expect(((await managed.json()) as { key: { managed: boolean } }).key.managed).toBe(true);
    const list = (await (await call("GET", "/api/auth/ssh-keys", { user })).json()) as { keys: { id: string }[] };
    expect(list.keys).toHaveLength(3);
    expect((await call("DELETE", `/api/auth/ssh-keys/${list.keys[0]!.id}`, { user })).status).toBe(200);
    expect((await call("DELETE", `/api/auth/ssh-keys/${list.keys[0]!.id}`, { user })).status).toBe(404);
  });

  it("rejects keys whose blob does not match, weak RSA, garbage and private keys", async () => {
    const user = await createTestUser();
    const edBlob = ed25519.split(" ")[1]!;
    const bad = [
      `ssh-rsa ${edBlob}`, // declared type differs from the embedded one
      rsa1024,
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ3Jk2trESKLCYTwuBM5k8Fjhj", // truncated
      "ssh-ed25519 !!!notbase64!!!",
      "ssh-dss AAAAB3NzaC1kc3MAAACBAP== x",
      "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA",
      `${ed25519.split(" ").slice(0, 2).join(" ")}AAAA`, // trailing bytes
    ];
    for (const publicKey of bad) {
      const res = await call("POST", "/api/auth/ssh-keys", { user, body: { publicKey } });
      expect(res.status, publicKey.slice(0, 40)).toBe(400);
      expect((await err(res)).code).toBe("validation_failed");
    }
  });
});
