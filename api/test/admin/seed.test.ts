import { env } from "cloudflare:workers";
import {
  seededDeletedAgeSchema,
  seededSecretsSchema,
  seededSessionsSchema,
  seededTemplateSchema,
  seededUserSchema,
} from "@burstflare/sdk/schemas/seed";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { operatorUser } from "../helpers/operator";
import { call, createTestUser, type TestUser } from "../helpers/users";

/** Operator seeding (api/src/admin/routes/seed.ts), tried by the accounts that must not reach it. */

const mutableEnv = env as unknown as Record<string, string | undefined>;
beforeEach(() => {
  mutableEnv.OPERATOR_SEEDING = "1";
});
afterEach(() => {
  mutableEnv.OPERATOR_SEEDING = undefined;
});

type Err = { error: { code: string; message: string } };
const errorOf = async (res: Response) => ((await res.json()) as Err).error;
const bearer = (token: string): TestUser => ({
  userId: "",
  email: "",
  workspaceId: "",
  token,
  headers: { authorization: `Bearer ${token}` },
});

const ROUTES = [
  ["/api/admin/seed/users", {}],
  ["/api/admin/seed/templates", { workspaceId: "ws_x", manifest: { persistedPaths: ["."] } }],
  ["/api/admin/seed/secrets", { workspaceId: "ws_x", secrets: { A: "b" } }],
  ["/api/admin/seed/sessions", { workspaceId: "ws_x", ownerId: "usr_x", count: 1, namePrefix: "x-" }],
  ["/api/admin/seed/deleted-age", { kind: "session", id: "ses_x", deletedDaysAgo: 8 }],
] as const;

async function seedUser(body: Record<string, unknown> = {}) {
  const res = await call("POST", "/api/admin/seed/users", { user: await operatorUser(), body });
  expect(res.status, await res.clone().text()).toBe(201);
  return seededUserSchema.parse(await res.json());
}

describe("operator seeding: who reaches it", () => {
  it("is a missing path (404) on a deployment without OPERATOR_SEEDING=1, for the operator too", async () => {
    mutableEnv.OPERATOR_SEEDING = "0";
    const operator = await operatorUser();
    for (const [path, body] of ROUTES) {
      for (const user of [undefined, operator]) {
        const res = await call("POST", path, { user, body });
        expect(res.status, path).toBe(404);
        expect((await errorOf(res)).message).toBe(`no route for POST ${path}`);
      }
    }
    expect((await call("POST", "/api/admin/seed/users", { user: operator, body: { nope: 1 } })).status).toBe(404);
  });

  it("answers 401 signed out and 403 to every account but a proven operator, whatever its role", async () => {
    const owner = await createTestUser();
    const admin = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    // Listed in OPERATOR_EMAILS but never proven: no rights.
    const unproven = await createTestUser({ email: "second@example.com" });
    mutableEnv.OPERATOR_EMAILS = "operator@example.com,second@example.com";
    try {
      for (const [path, body] of ROUTES) {
        expect((await call("POST", path, { body })).status, path).toBe(401);
        for (const user of [owner, admin, unproven]) {
          const res = await call("POST", path, { user, body });
          expect(res.status, path).toBe(403);
          expect((await errorOf(res)).code).toBe("forbidden");
        }
      }
    } finally {
      mutableEnv.OPERATOR_EMAILS = "operator@example.com";
    }
  });

  it("a seeded user's token is an ordinary account: it cannot seed, and an OPERATOR_EMAILS address is refused", async () => {
    const seeded = await seedUser();
    const res = await call("POST", "/api/admin/seed/users", { user: bearer(seeded.signIns[0]!.token), body: {} });
    expect(res.status).toBe(403);
    const listed = await call("POST", "/api/admin/seed/users", { user: await operatorUser(), body: { email: "OPERATOR@example.com" } });
    expect(listed.status).toBe(403);
    expect((await errorOf(listed)).message).toContain("OPERATOR_EMAILS");
  });
});

describe("operator seeding: what it makes", () => {
  it("a user with a personal workspace and working CLI and browser sign-ins, audited", async () => {
    const user = await seedUser({ signIns: ["cli", "browser"] });
    expect(user.role).toBe("owner");
    expect(user.signIns.map((s) => s.kind)).toEqual(["cli", "browser"]);
    expect(Date.parse(user.signIns[0]!.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
    const me = await call("GET", "/api/auth/me", { user: bearer(user.signIns[0]!.token) });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { id: user.userId }, workspace: { id: user.workspaceId }, isOperator: false });
    const cookie = await call("GET", "/api/auth/me", { headers: { cookie: `bf_session=${user.signIns[1]!.token}` } });
    expect(cookie.status).toBe(200);
    const log = await call("GET", `/api/audit?action=admin.seed.user&limit=50`, { user: bearer(user.signIns[0]!.token) });
    expect(log.status).toBe(200);
    expect(JSON.stringify(await log.json())).toContain(user.userId);
  });

  it("a member with a role in an existing workspace; an unknown workspace is 404, a taken email 409", async () => {
    const owner = await createTestUser();
    const viewer = await seedUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect(viewer).toMatchObject({ workspaceId: owner.workspaceId, role: "viewer" });
    const me = await call("GET", "/api/auth/me", { user: bearer(viewer.signIns[0]!.token) });
    expect(await me.json()).toMatchObject({ role: "viewer", workspace: { id: owner.workspaceId } });
    const op = await operatorUser();
    expect((await call("POST", "/api/admin/seed/users", { user: op, body: { workspaceId: "ws_nope" } })).status).toBe(404);
    expect((await call("POST", "/api/admin/seed/users", { user: op, body: { email: owner.email } })).status).toBe(409);
  });

  it("refuses bad bodies with 400 validation_failed", async () => {
    const op = await operatorUser();
    for (const [path, body] of [
      ["/api/admin/seed/users", { role: "viewer" }],
      ["/api/admin/seed/users", { signIns: ["api"] }],
      ["/api/admin/seed/users", { email: "not an email" }],
      ["/api/admin/seed/users", { extra: true }],
      ["/api/admin/seed/templates", { workspaceId: "ws_x", manifest: { env: { PATH: "/tmp" } } }],
      ["/api/admin/seed/secrets", { workspaceId: "ws_x", secrets: { "BAD NAME": "x" } }],
      ["/api/admin/seed/sessions", { workspaceId: "ws_x", ownerId: "usr_x", count: 10_001, namePrefix: "x-" }],
      ["/api/admin/seed/sessions", { workspaceId: "ws_x", ownerId: "usr_x", count: 1, namePrefix: "X'" }],
      ["/api/admin/seed/deleted-age", { kind: "user", id: "usr_x", deletedDaysAgo: 8 }],
    ] as const) {
      const res = await call("POST", path, { user: op, body });
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect((await errorOf(res)).code).toBe("validation_failed");
    }
  });

  it("a template whose active version carries the manifest; legacy env is stored, and dropped when read", async () => {
    const owner = await createTestUser();
    const op = await operatorUser();
    const res = await call("POST", "/api/admin/seed/templates", {
      user: op,
      body: {
        workspaceId: owner.workspaceId,
        name: "seeded",
        manifest: { persistedPaths: ["."], env: { KEEP: "yes" } },
        legacyEnv: { PATH: "/x" },
      },
    });
    expect(res.status).toBe(201);
    const { templateId, versionId } = seededTemplateSchema.parse(await res.json());
    const tpl = await call("GET", `/api/templates/${templateId}`, { user: owner });
    expect(tpl.status).toBe(200);
    expect(JSON.stringify(await tpl.json())).toContain(versionId);
    const stored = await env.DB.prepare("SELECT manifest FROM template_versions WHERE id = ?")
      .bind(versionId)
      .first<{ manifest: string }>();
    expect(JSON.parse(stored!.manifest).env).toEqual({ KEEP: "yes", PATH: "/x" });
    const stranger = await createTestUser();
    expect((await call("GET", `/api/templates/${templateId}`, { user: stranger })).status).toBe(404);
    expect((await call("POST", "/api/admin/seed/templates", { user: op, body: { workspaceId: "ws_nope", manifest: {} } })).status).toBe(
      404,
    );
  });

  it("secrets sealed as the product seals them, reserved names included", async () => {
    const owner = await createTestUser();
    const res = await call("POST", "/api/admin/seed/secrets", {
      user: await operatorUser(),
      body: { workspaceId: owner.workspaceId, secrets: { LD_PRELOAD: "/x.so", FOO: "bar" } },
    });
    expect(res.status).toBe(201);
    expect(seededSecretsSchema.parse(await res.json()).names).toEqual(["LD_PRELOAD", "FOO"]);
    const list = await call("GET", "/api/workspaces/current/secrets", { user: owner });
    expect(JSON.stringify(await list.json())).toContain("LD_PRELOAD");
  });

  it("session rows in bulk for a member owner; a non-member owner is 404", async () => {
    const owner = await createTestUser();
    const op = await operatorUser();
    const body = {
      workspaceId: owner.workspaceId,
      ownerId: owner.userId,
      count: 250,
      namePrefix: "bulk-",
      states: ["stopped", "sleeping"],
    };
    const res = await call("POST", "/api/admin/seed/sessions", { user: op, body });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(seededSessionsSchema.parse(await res.json()).created).toBe(250);
    const page = (await (await call("GET", "/api/sessions?state=sleeping&limit=200", { user: owner })).json()) as {
      sessions: { name: string }[];
    };
    expect(page.sessions).toHaveLength(125);
    expect(page.sessions.map((s) => s.name)).toContain("bulk-00001");
    const stranger = await createTestUser();
    expect((await call("POST", "/api/admin/seed/sessions", { user: op, body: { ...body, ownerId: stranger.userId } })).status).toBe(404);
  });

  it("ages only something already deleted", async () => {
    const owner = await createTestUser();
    const op = await operatorUser();
    const created = await call("POST", "/api/sessions", { user: owner, body: { name: "to-age", start: false } });
    const { session } = (await created.json()) as { session: { id: string } };
    const age = { kind: "session", id: session.id, deletedDaysAgo: 8 };
    expect((await call("POST", "/api/admin/seed/deleted-age", { user: op, body: age })).status).toBe(404);
    expect((await call("DELETE", `/api/sessions/${session.id}`, { user: owner })).status).toBe(200);
    const res = await call("POST", "/api/admin/seed/deleted-age", { user: op, body: age });
    expect(res.status).toBe(200);
    const { deletedAt } = seededDeletedAgeSchema.parse(await res.json());
    expect(Date.now() - Date.parse(deletedAt)).toBeGreaterThan(8 * 24 * 3600 * 1000 - 60_000);
  });
});
