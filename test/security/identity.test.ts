import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sshTokenSchema } from "@burstflare/sdk/schemas/sessions";
import { createShareResponse } from "@burstflare/sdk/schemas/shares";
import { describe, expect, inject, it } from "vitest";
import { SoftwareAuthenticator } from "../../scripts/lib/software-authenticator.mjs";
import { SmokeClient } from "../../scripts/smoke/http.mjs";
import { TEST_RUN_TAG } from "../ports";
import { api, baseURL, expectOK, until } from "../stack/helpers/api";
import { createSessionWithManifest } from "../stack/helpers/templates";
import { createStackUser, type StackUser, stackOperator } from "../stack/helpers/users";

/**
 * Identity, tried on the real stack the way an attacker with an ordinary account would. The stack
 * is invite-only and lists operator@example.com (proven by the global setup with the bootstrap
 * code) and second-operator@example.com (listed, never proven).
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const LOG_DIR = path.join(ROOT, `.wrangler/logs/stack-${TEST_RUN_TAG}`);

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; details?: Record<string, unknown> } }).error;

/** Registers through the real passkey ceremony, as a browser would; returns a client with the session cookie. */
async function register(email: string, inviteCode?: string): Promise<SmokeClient> {
  const client = new SmokeClient(baseURL());
  const passkey = new SoftwareAuthenticator({ origin: client.origin });
  const start = await client.call("POST /api/auth/passkeys/register/start", { body: { email, ...(inviteCode ? { inviteCode } : {}) } });
  const credential = await passkey.create(start.options);
  await client.call("POST /api/auth/passkeys/register/finish", { body: { challengeId: start.challengeId, credential } });
  return client;
}

/** An operator's sign-up invite, bound to an email or (as some operators hand out) to nobody. */
async function signupInvite(email?: string): Promise<string> {
  const res = await api(stackOperator(), "POST /api/admin/signup-invites", { body: email ? { email } : {} });
  return ((await expectOK(res)) as { code: string }).code;
}

describe("operator rights need a proven address", () => {
  it("registering a listed address grants nothing; the spent bootstrap code is refused", async () => {
    expect((await api(stackOperator(), "GET /api/admin/report")).status).toBe(200);
    // The real operator's address in other case is taken (emails are matched without case).
    const taken = await new SmokeClient(baseURL()).raw("POST", "/api/auth/passkeys/register/start", {
      body: { email: "OPERATOR@Example.com", inviteCode: await signupInvite() },
    });
    expect(taken.status).toBe(409);

    // Listed, never proven: an unbound sign-up invite admits the attacker, but proves nothing.
    for (const email of ["second-operator@example.com"]) {
      const attacker = await register(email, await signupInvite());
      const me = await attacker.call("GET /api/auth/me");
      expect(me.isOperator, email).toBe(false);
      for (const [method, route, body] of [
        ["GET", "/api/admin/report", undefined],
        ["GET", "/api/admin/security-log", undefined],
        ["POST", "/api/admin/signup-invites", {}],
        ["PUT", `/api/admin/workspaces/${me.workspace.id}/plan`, { plan: "team" }],
        ["PUT", "/api/workspaces/current/plan", { plan: "team" }],
      ] as const) {
        const res = await attacker.raw(method, route, { body });
        expect(res.status, `${email} ${method} ${route}`).toBe(403);
      }
      // The stack's bootstrap code was redeemed by the real operator at setup: replaying it fails.
      const replay = await attacker.raw("POST", "/api/admin/bootstrap", { body: { code: inject("bootstrapCode") } });
      expect(replay.status).toBe(410);
      expect((await errorOf(replay)).details).toEqual({ reason: "used" });
      expect((await attacker.call("GET /api/auth/me")).isOperator).toBe(false);
      expect((await attacker.raw("GET", "/api/admin/report")).status).toBe(403);
    }
  });

  it("an operator's invite bound to the address does prove it", async () => {
    const newcomer = await register("second-operator-proof@example.com", await signupInvite("second-operator-proof@example.com"));
    // Proven but not listed: still no operator.
    expect((await newcomer.call("GET /api/auth/me")).isOperator).toBe(false);
  });
});

describe("sign-in start does not tell a stranger whether an account exists", () => {
  it("answers a known and an unknown email with the same shape and options", async () => {
    const probe = async (email: string) => {
      const res = await new SmokeClient(baseURL()).raw("POST", "/api/auth/passkeys/login/start", { body: { email } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { challengeId: string; options: Record<string, unknown> };
      const { challenge: _challenge, ...options } = body.options;
      return { keys: Object.keys(body).sort(), options };
    };
    const known = await probe("operator@example.com");
    const unknown = await probe(`nobody-${Date.now()}@example.com`);
    expect(known).toEqual(unknown);
  });

  it("failed recoveries against a victim land in the operators' security log, not the victim's workspace audit", async () => {
    const victim = await createStackUser();
    for (let i = 0; i < 3; i++) {
      const res = await new SmokeClient(baseURL()).raw("POST", "/api/auth/recover", {
        body: { email: victim.email, code: "AAAA-BBBB-CCCC" },
      });
      expect(res.status).toBe(401);
    }
    const audit = (await expectOK(await api(victim, "GET /api/audit", { query: { limit: 200 } }))) as { entries: { action: string }[] };
    expect(audit.entries.map((e) => e.action)).not.toContain("auth.signin_failed");
    const log = (await expectOK(
      await api(stackOperator(), "GET /api/admin/security-log", { query: { action: "auth.signin_failed", limit: 200 } }),
    )) as {
      entries: { workspaceId: string | null; details: { targetUserId?: string } }[];
    };
    expect(log.entries.filter((e) => e.details.targetUserId === victim.userId)).toHaveLength(3);
  });
});

describe("invite-only: a workspace invite cannot create an account", () => {
  it("a new email with a workspace admin's invite is refused; an existing account joins with it", async () => {
    const owner = await createStackUser();
    const { code } = (await expectOK(await api(owner, "POST /api/workspaces/current/invites", { body: { role: "member" } }), 201)) as {
      code: string;
    };
    const email = `ws-invited-${Date.now()}@example.com`;
    const start = await new SmokeClient(baseURL()).raw("POST", "/api/auth/passkeys/register/start", { body: { email, inviteCode: code } });
    expect(start.status).toBe(403);
    expect(await errorOf(start)).toMatchObject({ code: "signup_closed", details: { reason: "workspace_invite" } });
    const none = await new SmokeClient(baseURL()).raw("POST", "/api/auth/passkeys/register/start", { body: { email } });
    expect(none.status).toBe(403);
    const existing = await createStackUser();
    expect((await api(existing, "POST /api/workspaces/invites/accept", { body: { code } })).status).toBe(200);
  });
});

describe("an API token bound to a workspace dies with the membership", () => {
  it("after its user is removed from workspace A, the token gets 401 and never acts in the user's workspace B", async () => {
    const ownerA = await createStackUser();
    const user = await createStackUser();
    const { code } = (await expectOK(await api(ownerA, "POST /api/workspaces/current/invites", { body: { role: "member" } }), 201)) as {
      code: string;
    };
    await expectOK(await api(user, "POST /api/workspaces/invites/accept", { body: { code } }));
    const { token } = (await expectOK(await api(user, "POST /api/auth/tokens", { body: { name: "ci" } }))) as { token: string };
    const asToken: StackUser = { ...user, token, headers: { authorization: `Bearer ${token}` } };
    const before = (await expectOK(await api(asToken, "GET /api/auth/me"))) as { workspace: { id: string } };
    expect(before.workspace.id).toBe(ownerA.workspaceId);

    await expectOK(await api(ownerA, "DELETE /api/workspaces/current/members/{userId}", { params: { userId: user.userId } }));
    expect((await api(asToken, "GET /api/auth/me")).status).toBe(401);
    expect((await api(asToken, "GET /api/templates")).status).toBe(401);
    expect((await api(asToken, "POST /api/templates", { body: { name: "planted-by-stale-token" } })).status).toBe(401);
    // Workspace B (the user's own) saw nothing.
    await expectOK(await api(user, "POST /api/auth/switch-workspace", { body: { workspaceId: user.workspaceId } }));
    const templates = (await expectOK(await api(user, "GET /api/templates"))) as { templates: { name: string }[] };
    expect(templates.templates.map((t) => t.name)).not.toContain("planted-by-stale-token");
  });
});

describe("plans and workspace creation", () => {
  it("an owner cannot raise their own plan; only the operator can", async () => {
    const owner = await createStackUser();
    const res = await api(owner, "PUT /api/workspaces/current/plan", { body: { plan: "team" } });
    expect(res.status).toBe(403);
    const byId = await api(owner, "PUT /api/admin/workspaces/{workspaceId}/plan", {
      params: { workspaceId: owner.workspaceId },
      body: { plan: "team" },
    });
    expect(byId.status).toBe(403);
    expect(((await expectOK(await api(owner, "GET /api/workspaces/current/plan"))) as { plan: string }).plan).toBe("free");
    await expectOK(
      await api(stackOperator(), "PUT /api/admin/workspaces/{workspaceId}/plan", {
        params: { workspaceId: owner.workspaceId },
        body: { plan: "pro" },
      }),
    );
    expect(((await expectOK(await api(owner, "GET /api/workspaces/current/plan"))) as { plan: string }).plan).toBe("pro");
  });

  it("creating workspaces past the per-user limit answers 403 quota_exceeded", async () => {
    const owner = await createStackUser();
    for (let i = 1; i <= 4; i++) await expectOK(await api(owner, "POST /api/workspaces", { body: { name: `extra ${i}` } }), 201);
    const refused = await api(owner, "POST /api/workspaces", { body: { name: "one too many" } });
    expect(refused.status).toBe(403);
    expect(await errorOf(refused)).toMatchObject({ code: "quota_exceeded", details: { limit: "ownedWorkspaces", max: 5 } });
  });
});

function readLogs(): string {
  return readdirSync(LOG_DIR)
    .map((f) => readFileSync(path.join(LOG_DIR, f), "utf8"))
    .join("\n");
}

describe("credentials in URLs never reach the stack's logs", () => {
  it("a used share link and ssh token appear only redacted in every log file", async () => {
    const owner = await createStackUser();
    const session = await createSessionWithManifest(
      owner,
      { persistedPaths: ["."], previewPort: 3000 },
      { name: "log-redaction", start: false },
    );
    const share = createShareResponse.parse(
      await expectOK(
        await api(owner, "POST /api/sessions/{sessionId}/shares", {
          params: { sessionId: session.id },
          body: { scope: "anyone", expiresInSeconds: 3600 },
        }),
        201,
      ),
    );
    const shareToken = share.path.split("/")[3] ?? "";
    expect(shareToken.length).toBeGreaterThan(20);
    const ssh = sshTokenSchema.parse(
      await expectOK(await api(owner, "POST /api/sessions/{sessionId}/ssh-token", { params: { sessionId: session.id } })),
    );

    // Used as a visitor and an ssh client would: path credential, query token, bearer header.
    await fetch(`${baseURL()}${share.path}`, { redirect: "manual" });
    await fetch(`${baseURL()}${share.path}index.html?x=1`, { method: "POST", redirect: "manual" });
    await fetch(`${baseURL()}/runtime/sessions/${session.id}/ssh?token=${encodeURIComponent(ssh.token)}`, { method: "POST" });
    await fetch(`${baseURL()}/runtime/sessions/${session.id}/ssh`, { headers: { authorization: `Bearer ${ssh.token}` } });

    // Wait until the lines for these requests are on disk, then look for the raw secrets anywhere.
    await until(() => {
      const text = readLogs();
      return text.includes("/runtime/share/[redacted]") && text.includes(`/runtime/sessions/${session.id}/ssh`);
    }, "the stack's log lines for the share and ssh requests");
    const text = readLogs();
    for (const secret of [shareToken, ssh.token, owner.token]) expect(text).not.toContain(secret);
  });
});
