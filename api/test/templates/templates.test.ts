import { env } from "cloudflare:workers";
import type { TemplateDetail } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { dbOf } from "../../src/lib/db";
import { runReconcile } from "../../src/reconcile/run";
import { isNewerVersionAvailable, resolveTemplateForSession } from "../../src/templates/resolve";
import { STARTER_TEMPLATE_ID } from "../../src/templates/starter";
import { saveQuotaOverrides } from "../../src/workspaces/quotas-repo";
import { countRows } from "../helpers/db";
import { insertTestSession } from "../helpers/snapshots";
import { targz } from "../helpers/tar";
import { createTemplate, createVersion, markBuilt, r2Keys, upload } from "../helpers/templates";
import { call, createTestUser } from "../helpers/users";

describe("templates", () => {
  it("lists the built-in starter beside the workspace's own templates", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user, "web-app");
    const res = await call("GET", "/api/templates", { user });
    expect(res.status).toBe(200);
    const { templates } = (await res.json()) as { templates: { id: string; builtin: boolean }[] };
    expect(templates.map((t) => t.id)).toEqual([STARTER_TEMPLATE_ID, tpl.id]);
    expect(templates[0]?.builtin).toBe(true);
  });

  it("keeps names unique per workspace but not across workspaces", async () => {
    const a = await createTestUser();
    const b = await createTestUser();
    await createTemplate(a, "shared-name");
    const dup = await call("POST", "/api/templates", { user: a, body: { name: "shared-name" } });
    expect(dup.status).toBe(409);
    expect(await dup.json()).toMatchObject({ error: { code: "conflict" } });
    await createTemplate(b, "shared-name");
  });

  it("refuses a template past the workspace's quota, and an upload past its build minutes", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id);
    const t = Date.now();
    for (const [limit, value] of [
      ["templates", 1],
      ["buildMinutes", 0],
    ] as const) {
      await saveQuotaOverrides(dbOf(env), user.workspaceId, [{ limitName: limit, value }], user.userId, t);
    }
    const res = await call("POST", "/api/templates", { user, body: { name: "one-too-many" } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "quota_exceeded", details: { limit: "templates", max: 1 } } });
    const up = await upload(user, v.uploadGrant.id, await targz([{ name: "a.txt", content: "a" }]));
    expect(up.status).toBe(403);
    expect(await up.json()).toMatchObject({ error: { code: "quota_exceeded", details: { limit: "buildMinutes" } } });
    expect(await r2Keys(`templates/${user.workspaceId}/${tpl.id}/`)).toEqual([]);
  });

  it("answers bad names with field-level validation errors", async () => {
    const user = await createTestUser();
    const res = await call("POST", "/api/templates", { user, body: { name: "Not Valid!" } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details[0]?.path).toBe("name");
  });

  it("lets members and viewers read but only owners and admins write", async () => {
    const owner = await createTestUser();
    const tpl = await createTemplate(owner);
    for (const role of ["member", "viewer"] as const) {
      const other = await createTestUser({ workspaceId: owner.workspaceId, role });
      expect((await call("GET", `/api/templates/${tpl.id}`, { user: other })).status).toBe(200);
      const create = await call("POST", "/api/templates", { user: other, body: { name: `by-${role}` } });
      expect(create.status).toBe(403);
      expect((await call("POST", `/api/templates/${tpl.id}/archive`, { user: other })).status).toBe(403);
    }
    const admin = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    expect((await call("POST", `/api/templates/${tpl.id}/archive`, { user: admin })).status).toBe(200);
  });

  it("hides another workspace's template behind 404", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    const tpl = await createTemplate(owner);
    for (const [method, path, body] of [
      ["GET", `/api/templates/${tpl.id}`, undefined],
      ["POST", `/api/templates/${tpl.id}/archive`, undefined],
      ["POST", `/api/templates/${tpl.id}/versions`, { version: "1", manifest: { persistedPaths: [] } }],
      ["DELETE", `/api/templates/${tpl.id}`, undefined],
    ] as const) {
      const res = await call(method, path, { user: stranger, body });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    await expect(resolveTemplateForSession(env, stranger.workspaceId, tpl.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("keeps built-in templates read-only", async () => {
    const user = await createTestUser();
    expect((await call("GET", `/api/templates/${STARTER_TEMPLATE_ID}`, { user })).status).toBe(200);
    expect((await call("POST", `/api/templates/${STARTER_TEMPLATE_ID}/archive`, { user })).status).toBe(403);
    expect((await call("DELETE", `/api/templates/${STARTER_TEMPLATE_ID}`, { user })).status).toBe(403);
  });
});

describe("template versions", () => {
  it("validates the manifest with field-level messages", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const res = await call("POST", `/api/templates/${tpl.id}/versions`, {
      user,
      body: {
        version: "1.0.0",
        manifest: { persistedPaths: ["/etc", "ok", "../up"], previewPort: 80, env: { "bad name": "x" }, extra: 1 },
      },
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; details: { path: string; message: string }[] } };
    expect(error.code).toBe("validation_failed");
    const paths = error.details.map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["manifest.persistedPaths.0", "manifest.persistedPaths.2", "manifest.previewPort"]));
    expect(error.details.find((d) => d.path === "manifest.persistedPaths.0")?.message).toMatch(/relative path/);
    expect(await countRows("template_versions", "template_id = ?", tpl.id)).toBe(0);
  });

  it("returns the version with a single-use upload grant and refuses a duplicate version", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const created = await createVersion(user, tpl.id, "2.0.0", { persistedPaths: ["app"], build: "npm ci", previewPort: 3000 });
    expect(created.version).toMatchObject({ version: "2.0.0", status: "awaiting_upload", latestBuild: null, active: false });
    expect(created.uploadGrant.url).toMatch(new RegExp(`/api/uploads/${created.uploadGrant.id}$`));
    expect(Date.parse(created.uploadGrant.expiresAt)).toBeGreaterThan(Date.now());
    expect(created.uploadGrant.maxBytes).toBeGreaterThan(0);
    const dup = await call("POST", `/api/templates/${tpl.id}/versions`, {
      user,
      body: { version: "2.0.0", manifest: { persistedPaths: [] } },
    });
    expect(dup.status).toBe(409);
  });
});

describe("archive and restore", () => {
  it("archived templates start no sessions and take no versions until restored", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id);
    await markBuilt(user.workspaceId, tpl.id, v.version.id);
    expect((await call("POST", `/api/templates/${tpl.id}/promote`, { user, body: { versionId: v.version.id } })).status).toBe(200);
    await resolveTemplateForSession(env, user.workspaceId, tpl.id);

    const archived = await call("POST", `/api/templates/${tpl.id}/archive`, { user });
    expect(await archived.json()).toMatchObject({ archived: true });
    await expect(resolveTemplateForSession(env, user.workspaceId, tpl.id)).rejects.toMatchObject({ code: "invalid_state" });
    expect(
      (await call("POST", `/api/templates/${tpl.id}/versions`, { user, body: { version: "2", manifest: { persistedPaths: [] } } })).status,
    ).toBe(409);
    expect((await call("POST", `/api/templates/${tpl.id}/archive`, { user })).status).toBe(409);

    expect((await call("POST", `/api/templates/${tpl.id}/restore`, { user })).status).toBe(200);
    expect((await resolveTemplateForSession(env, user.workspaceId, tpl.id)).versionId).toBe(v.version.id);
  });
});

describe("promotion and rollback", () => {
  it("promotes only versions with a succeeded build, keeps history and rolls back like a stack", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    await expect(resolveTemplateForSession(env, user.workspaceId, tpl.id)).rejects.toMatchObject({ code: "invalid_state" });

    const a = await createVersion(user, tpl.id, "a");
    const unbuilt = await call("POST", `/api/templates/${tpl.id}/promote`, { user, body: { versionId: a.version.id } });
    expect(unbuilt.status).toBe(409);
    expect(await unbuilt.json()).toMatchObject({ error: { code: "invalid_state" } });

    const versions: string[] = [];
    for (const label of ["a", "b", "c"]) {
      const v = label === "a" ? a : await createVersion(user, tpl.id, label);
      await markBuilt(user.workspaceId, tpl.id, v.version.id);
      const res = await call("POST", `/api/templates/${tpl.id}/promote`, { user, body: { versionId: v.version.id } });
      expect(res.status).toBe(200);
      versions.push(v.version.id);
    }
    const [va, vb, vc] = versions as [string, string, string];
    expect((await resolveTemplateForSession(env, user.workspaceId, tpl.id)).versionId).toBe(vc);
    expect(await isNewerVersionAvailable(env, tpl.id, va)).toBe(true);
    expect(await isNewerVersionAvailable(env, tpl.id, vc)).toBe(false);
    expect((await call("POST", `/api/templates/${tpl.id}/promote`, { user, body: { versionId: vc } })).status).toBe(409);

    const first = (await (await call("POST", `/api/templates/${tpl.id}/rollback`, { user })).json()) as TemplateDetail;
    expect(first.template.activeVersionId).toBe(vb);
    expect(first.rollbackTarget?.versionId).toBe(va);
    const second = (await (await call("POST", `/api/templates/${tpl.id}/rollback`, { user })).json()) as TemplateDetail;
    expect(second.template.activeVersionId).toBe(va);
    expect(second.rollbackTarget).toBeNull();
    expect((await call("POST", `/api/templates/${tpl.id}/rollback`, { user })).status).toBe(409);

    expect(second.releases.map((r) => `${r.kind}:${r.version}`)).toEqual([
      "rollback:a",
      "rollback:b",
      "promote:c",
      "promote:b",
      "promote:a",
    ]);
    expect(second.versions.find((v) => v.id === va)?.active).toBe(true);
    expect((await resolveTemplateForSession(env, user.workspaceId, tpl.id)).versionId).toBe(va);
  });

  it("refuses to promote another template's version", async () => {
    const user = await createTestUser();
    const one = await createTemplate(user);
    const two = await createTemplate(user);
    const v = await createVersion(user, one.id);
    await markBuilt(user.workspaceId, one.id, v.version.id);
    expect((await call("POST", `/api/templates/${two.id}/promote`, { user, body: { versionId: v.version.id } })).status).toBe(404);
  });
});

describe("inspect and delete", () => {
  it("reports storage, build summary; delete hides it at once and reconcile purges every R2 object and row after the window", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id);
    const buildId = await markBuilt(user.workspaceId, tpl.id, v.version.id);
    const bundle = `templates/${user.workspaceId}/${tpl.id}/${v.version.id}/upg_x.tar.gz`;
    await env.BUCKET.put(bundle, "bundle");
    await env.BUCKET.put(`builds/${user.workspaceId}/${buildId}/log.txt`, "log");
    await env.BUCKET.put(`builds/${user.workspaceId}/${buildId}/artifact.tar.gz`, "artifact");

    const detail = (await (await call("GET", `/api/templates/${tpl.id}`, { user })).json()) as TemplateDetail;
    expect(detail.storageBytes).toBe(15);
    expect(detail.buildSummary).toMatchObject({ succeeded: 1, failed: 0, queued: 0 });
    expect(detail.versions[0]?.latestBuild).toMatchObject({ id: buildId, status: "succeeded" });

    const res = await call("DELETE", `/api/templates/${tpl.id}`, { user });
    expect(res.status).toBe(200);
    expect((await call("GET", `/api/templates/${tpl.id}`, { user })).status).toBe(404);
    // Recoverable delete: everything stays for the retention window, then reconcile purges it.
    expect(await r2Keys(`templates/${user.workspaceId}/${tpl.id}/`)).toEqual([bundle]);
    await runReconcile(env, { policy: { deletedRetentionMs: 0 } });
    expect(await r2Keys(`templates/${user.workspaceId}/${tpl.id}/`)).toEqual([]);
    expect(await r2Keys(`builds/${user.workspaceId}/${buildId}/`)).toEqual([]);
    for (const table of ["templates", "template_versions", "template_builds", "template_releases"]) {
      const col = table === "templates" ? "id" : "template_id";
      expect(await countRows(table, `${col} = ?`, tpl.id), table).toBe(0);
    }
    expect((await call("GET", `/api/templates/${tpl.id}`, { user })).status).toBe(404);
  });

  it("refuses to delete a template that sessions still use", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    await insertTestSession(user.workspaceId, user.userId, "running", { template: { templateId: tpl.id, versionId: null } });
    const res = await call("DELETE", `/api/templates/${tpl.id}`, { user });
    expect(res.status).toBe(409);
    expect((await call("GET", `/api/templates/${tpl.id}`, { user })).status).toBe(200);
  });
});
