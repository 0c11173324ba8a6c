import { env } from "cloudflare:workers";
import { REDACTED } from "@burstflare/sdk/log-redact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createBootstrapCode } from "../../src/auth/operator-proof";
import { createInvite } from "../../src/workspaces/invites";
import { BrowserClient, signUpWithPasskey, uniqueEmail } from "../helpers/browser";
import { createOperator, proveWithBootstrapCode } from "../helpers/operator";
import { addMember, call, createTestUser, type TestUser } from "../helpers/users";

/** Identity rules, tried the way an attacker with an ordinary account would. */

type Err = { error: { code: string; message: string; details?: Record<string, unknown> } };
const errorOf = async (res: Response) => ((await res.json()) as Err).error;

const mutableEnv = env as unknown as Record<string, string | undefined>;
const saved = { ...mutableEnv };
afterEach(() => {
  for (const k of ["SIGNUP_POLICY", "OPERATOR_EMAILS", "MAX_OWNED_WORKSPACES"]) mutableEnv[k] = saved[k];
});

const isOperator = async (user: TestUser | BrowserClient) => {
  const res = user instanceof BrowserClient ? await user.call("GET", "/api/auth/me") : await call("GET", "/api/auth/me", { user });
  return ((await res.json()) as { isOperator: boolean }).isOperator;
};
const reportStatus = async (user: TestUser) => (await call("GET", "/api/admin/report", { user })).status;
const redeem = (user: TestUser, code: string) => call("POST", "/api/admin/bootstrap", { user, body: { code } });

describe("operator rights rest on a proven address", () => {
  it("an account registered with a listed address is not an operator until it redeems the bootstrap code", async () => {
    const squatter = await createTestUser({ email: uniqueEmail("ops") });
    mutableEnv.OPERATOR_EMAILS = `someone@example.com, ${squatter.email.toUpperCase()}`;
    expect(await isOperator(squatter)).toBe(false);
    expect(await reportStatus(squatter)).toBe(403);
    expect((await call("POST", "/api/admin/signup-invites", { user: squatter, body: {} })).status).toBe(403);
    expect(
      (await call("PUT", `/api/admin/workspaces/${squatter.workspaceId}/plan`, { user: squatter, body: { plan: "team" } })).status,
    ).toBe(403);

    const code = await createBootstrapCode(env);
    const res = await redeem(squatter, code);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ isOperator: true, method: "bootstrap" });
    expect(await isOperator(squatter)).toBe(true);
    expect(await reportStatus(squatter)).toBe(200);
    // Proof without the list grants nothing either.
    mutableEnv.OPERATOR_EMAILS = "someone@example.com";
    expect(await reportStatus(squatter)).toBe(403);
  });

  it("a bootstrap code works once, only for a listed address, and not after it expires or is replaced", async () => {
    const first = await createTestUser({ email: uniqueEmail("ops-a") });
    const second = await createTestUser({ email: uniqueEmail("ops-b") });
    const outsider = await createTestUser();
    mutableEnv.OPERATOR_EMAILS = `${first.email},${second.email}`;
    const code = await createBootstrapCode(env);

    // An unlisted account cannot burn the code.
    const refused = await redeem(outsider, code);
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe("forbidden");

    expect((await redeem(first, code)).status).toBe(200);
    const replay = await redeem(second, code);
    expect(replay.status).toBe(410);
    expect((await errorOf(replay)).details).toEqual({ reason: "used" });
    expect(await isOperator(second)).toBe(false);
    expect((await redeem(second, "bfb_guessed-code-that-was-never-printed")).status).toBe(404);

    // Printing a new code replaces the unused one; an expired code is refused.
    const stale = await createBootstrapCode(env);
    await createBootstrapCode(env);
    expect((await redeem(second, stale)).status).toBe(404);
    const expired = await redeem(second, await createBootstrapCode(env, -1));
    expect(expired.status).toBe(410);
    expect((await errorOf(expired)).details).toEqual({ reason: "expired" });
    expect(await isOperator(second)).toBe(false);

    // Only the hash is stored.
    const rows = await env.DB.prepare("SELECT code_hash FROM operator_bootstrap_codes").all<{ code_hash: string }>();
    expect(rows.results.some((r) => r.code_hash.includes(code) || code.includes(r.code_hash))).toBe(false);
  });

  it("on a fresh invite-only deployment the listed operator signs up with the bootstrap code, once", async () => {
    mutableEnv.SIGNUP_POLICY = "invite-only";
    const email = uniqueEmail("first-op");
    mutableEnv.OPERATOR_EMAILS = email;
    const code = await createBootstrapCode(env);
    const stranger = await new BrowserClient().call("POST", "/api/auth/passkeys/register/start", {
      body: { email: uniqueEmail("stranger"), inviteCode: code },
    });
    expect(stranger.status).toBe(403);
    const { browser, user } = await signUpWithPasskey({ email, inviteCode: code });
    expect(await isOperator(browser)).toBe(true);
    const proof = await env.DB.prepare("SELECT method FROM email_proofs WHERE user_id = ?").bind(user.id).first<{ method: string }>();
    expect(proof?.method).toBe("bootstrap");
    mutableEnv.OPERATOR_EMAILS = `${email},${uniqueEmail("late")}`;
    const replay = await new BrowserClient().call("POST", "/api/auth/passkeys/register/start", {
      body: { email: mutableEnv.OPERATOR_EMAILS.split(",")[1], inviteCode: code },
    });
    expect(replay.status).toBe(410);
  });

  it("an operator's invite bound to an email proves it, at sign-up or for an existing account; an unbound one does not", async () => {
    const operator = await createOperator();
    const newcomer = uniqueEmail("new-op");
    const existing = await createTestUser({ email: uniqueEmail("old-op") });
    mutableEnv.OPERATOR_EMAILS = `${saved.OPERATOR_EMAILS},${newcomer},${existing.email}`;
    const issue = async (email?: string) =>
      (
        (await (await call("POST", "/api/admin/signup-invites", { user: operator, body: email ? { email } : {} })).json()) as {
          code: string;
        }
      ).code;

    const { browser } = await signUpWithPasskey({ email: newcomer, inviteCode: await issue(newcomer) });
    expect(await isOperator(browser)).toBe(true);

    const unbound = await redeem(existing, await issue());
    expect(unbound.status).toBe(403);
    expect(await isOperator(existing)).toBe(false);
    const forExisting = await issue(existing.email);
    const ok = await redeem(existing, forExisting);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ isOperator: true, method: "operator_invite" });
    expect(await isOperator(existing)).toBe(true);
    expect((await redeem(existing, forExisting)).status).toBe(410);

    // Signing up with an unbound operator invite admits the account but proves nothing.
    const another = uniqueEmail("unbound-op");
    mutableEnv.OPERATOR_EMAILS = `${saved.OPERATOR_EMAILS},${another}`;
    const signed = await signUpWithPasskey({ email: another, inviteCode: await issue() });
    expect(await isOperator(signed.browser)).toBe(false);
  });
});

describe("invite-only: only operators admit new accounts", () => {
  it("a workspace invite cannot create an account, but still adds an existing one", async () => {
    mutableEnv.SIGNUP_POLICY = "invite-only";
    const owner = await createTestUser();
    const { code } = await createInvite(env, {
      workspaceId: owner.workspaceId,
      createdBy: owner.userId,
      creatorRole: "owner",
      role: "member",
      expiresInHours: 24,
    });
    const email = uniqueEmail("via-ws-invite");
    const start = await new BrowserClient().call("POST", "/api/auth/passkeys/register/start", { body: { email, inviteCode: code } });
    expect(start.status).toBe(403);
    expect(await errorOf(start)).toMatchObject({ code: "signup_closed", details: { reason: "workspace_invite" } });
    expect(await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first()).toBeNull();

    const existing = await createTestUser();
    const accepted = await call("POST", "/api/workspaces/invites/accept", { user: existing, body: { code } });
    expect(accepted.status).toBe(200);
  });
});

/** A user of their personal workspace who also belongs to `workspaceId`, with an API token made there. */
async function tokenInOtherWorkspace(): Promise<{ owner: TestUser; user: TestUser; token: string }> {
  const owner = await createTestUser();
  const user = await createTestUser();
  await addMember(owner.workspaceId, user.userId, "member");
  expect((await call("POST", "/api/auth/switch-workspace", { user, body: { workspaceId: owner.workspaceId } })).status).toBe(200);
  const created = await call("POST", "/api/auth/tokens", { user, body: { name: "ci" } });
  expect(created.status).toBe(200);
  const { token } = (await created.json()) as { token: string };
  const me = (await (await call("GET", "/api/auth/me", { headers: { authorization: `Bearer ${token}` } })).json()) as {
    workspace: { id: string };
  };
  expect(me.workspace.id).toBe(owner.workspaceId);
  return { owner, user, token };
}

describe("a workspace's API token dies with the membership", () => {
  const asToken = (token: string, method: string, path: string) => call(method, path, { headers: { authorization: `Bearer ${token}` } });

  it("after the user is removed, the token answers 401 and never acts in their personal workspace", async () => {
    const { owner, user, token } = await tokenInOtherWorkspace();
    expect((await call("DELETE", `/api/workspaces/current/members/${user.userId}`, { user: owner })).status).toBe(200);
    for (const path of ["/api/auth/me", "/api/workspaces/current/settings", "/api/templates"]) {
      expect((await asToken(token, "GET", path)).status, path).toBe(401);
    }
    // The personal workspace is untouched by the token: no template was created there.
    expect((await call("POST", "/api/templates", { headers: { authorization: `Bearer ${token}` }, body: { name: "x" } })).status).toBe(401);
    expect((await call("GET", "/api/auth/me", { user })).status).toBe(200);
  });

  it("after the user leaves, likewise", async () => {
    const { owner, user, token } = await tokenInOtherWorkspace();
    expect((await call("POST", "/api/workspaces/current/leave", { user })).status).toBe(200);
    expect((await asToken(token, "GET", "/api/auth/me")).status).toBe(401);
    // Rejoining brings the token back to its own workspace, never another.
    await addMember(owner.workspaceId, user.userId, "viewer");
    const me = (await (await asToken(token, "GET", "/api/auth/me")).json()) as { workspace: { id: string }; role: string };
    expect(me).toMatchObject({ workspace: { id: owner.workspaceId }, role: "viewer" });
  });
});

describe("plans and workspace creation", () => {
  it("an owner cannot create more than the owned-workspace limit; an operator raises one user's", async () => {
    const owner = await createTestUser();
    const create = (n: number) => call("POST", "/api/workspaces", { user: owner, body: { name: `ws ${n}` } });
    // The personal workspace counts: four more reach the default of five.
    const made = await Promise.all([1, 2, 3, 4, 5, 6].map(create));
    expect(made.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 403, 403]);
    const refused = await create(7);
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toMatchObject({ code: "quota_exceeded", details: { limit: "ownedWorkspaces", max: 5, current: 5 } });

    const opEmail = uniqueEmail("limit-op");
    mutableEnv.OPERATOR_EMAILS = opEmail;
    const operator = await createOperator(opEmail);
    const path = `/api/admin/users/${owner.userId}/workspace-limit`;
    expect((await call("PUT", path, { user: owner, body: { maxOwnedWorkspaces: 50 } })).status).toBe(403);
    const raised = await call("PUT", path, { user: operator, body: { maxOwnedWorkspaces: 6 } });
    expect(raised.status).toBe(200);
    expect(await raised.json()).toEqual({ userId: owner.userId, maxOwnedWorkspaces: 6, override: 6 });
    expect((await create(8)).status).toBe(201);
    expect((await create(9)).status).toBe(403);
  });
});

describe("credentials in URLs never reach the logs", () => {
  it("share links, preview grants and ssh tokens are redacted from request and error lines", async () => {
    const lines: string[] = [];
    const capture = (...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    };
    const spies = [vi.spyOn(console, "log").mockImplementation(capture), vi.spyOn(console, "warn").mockImplementation(capture)];
    const secrets = {
      share: "bfsh_SHARESECRETshareSECRETshare0123456789",
      grant: "v1.usr_abc.99999999999.GRANTMACgrantMACgrantMAC",
      ssh: "bfs_SSHSECRETsshSECRETssh0123456789abcdef",
      bearer: "bfa_BEARERSECRETbearerSECRET0123456789abc",
    };
    try {
      await call("GET", `/runtime/share/${secrets.share}/index.html`);
      await call("GET", `/runtime/preview/ses_x.${secrets.grant}/app.js?grant=${secrets.grant}`);
      await call("GET", `/runtime/sessions/ses_nothing/ssh?token=${secrets.ssh}`);
      await call("POST", "/api/workspaces", { headers: { authorization: `Bearer ${secrets.bearer}` }, body: {} });
    } finally {
      for (const s of spies) s.mockRestore();
    }
    const text = lines.join("\n");
    expect(text).toContain("/runtime/share/");
    expect(text).toContain(REDACTED);
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
  });
});

describe("a failed sign-in by a stranger stays out of the victim's workspace audit", () => {
  it("is visible to operators in the security log instead", async () => {
    const victim = await signUpWithPasskey();
    const opEmail = uniqueEmail("sec-op");
    mutableEnv.OPERATOR_EMAILS = opEmail;
    const operator = await createOperator(opEmail);
    for (let i = 0; i < 3; i++) {
      const res = await new BrowserClient().call("POST", "/api/auth/recover", {
        body: { email: victim.user.email, code: "AAAA-BBBB-CCCC" },
      });
      expect(res.status).toBe(401);
    }
    const audit = (await (await victim.browser.call("GET", "/api/audit?limit=100")).json()) as { entries: { action: string }[] };
    expect(audit.entries.map((e) => e.action)).not.toContain("auth.signin_failed");
    const log = await call("GET", "/api/admin/security-log?action=auth.signin_failed&limit=100", { user: operator });
    expect(log.status).toBe(200);
    const entries = ((await log.json()) as { entries: { workspaceId: string | null; details: { targetUserId?: string } }[] }).entries;
    expect(entries.filter((e) => e.details.targetUserId === victim.user.id)).toHaveLength(3);
    expect(entries.every((e) => e.workspaceId === null)).toBe(true);
    expect((await call("GET", "/api/admin/security-log", { user: await createTestUser() })).status).toBe(403);
  });
});

// Keeps proveWithBootstrapCode exercised from here too: the helper other files rely on.
it("the test helper proves operators through the product", async () => {
  const user = await createTestUser({ email: uniqueEmail("helper-op") });
  mutableEnv.OPERATOR_EMAILS = user.email;
  await proveWithBootstrapCode(user);
  expect(await isOperator(user)).toBe(true);
});
