import { env } from "cloudflare:workers";
import { adminReportSchema, deletedListSchema, reconcileResultSchema, restoreResultSchema } from "@burstflare/sdk/schemas/admin";
import { describe, expect, it } from "vitest";
import { countRows } from "../helpers/db";
import { operatorUser } from "../helpers/operator";
import { insertReadySnapshot, insertTestSession, setTestSessionLifecycle } from "../helpers/snapshots";
import { createTemplate, createVersion, expireUploadGrant, insertTestBuild, markBuilt } from "../helpers/templates";
import { call, createTestUser } from "../helpers/users";

async function report() {
  const res = await call("GET", "/api/admin/report", { user: await operatorUser() });
  expect(res.status).toBe(200);
  return adminReportSchema.parse(await res.json());
}

describe("GET /api/admin/report", () => {
  it("answers 401 signed out and 403 to anyone but an operator, whatever their role", async () => {
    expect((await call("GET", "/api/admin/report")).status).toBe(401);
    const owner = await createTestUser();
    for (const path of ["/api/admin/report", "/api/admin/deleted"]) {
      const res = await call("GET", path, { user: owner });
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
    }
    for (const [path, body] of [
      ["/api/admin/reconcile", { preview: true }],
      ["/api/admin/restore", { kind: "session", id: "ses_x" }],
      ["/api/admin/template-builds/bld_x/retry", undefined],
    ] as const) {
      expect((await call("POST", path, { user: owner, body })).status, path).toBe(403);
    }
  });

  it("shows the local runtime host's sandbox and the isolation in force", async () => {
    const { runtimeHost } = await report();
    // The test runtime host runs as root, as CI does: the full sandbox.
    expect(runtimeHost).toMatchObject({
      sandbox: "uid",
      isolation: { ownUser: true, pidNamespace: true, networkNamespace: true, privateTmp: true, noNewPrivs: true },
    });
  });

  it("counts dead-lettered builds, sleeping and running sessions, active grants, failures and totals", async () => {
    const before = await report();
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id); // one unexpired, unused upload grant
    const dead = await insertTestBuild(user.workspaceId, tpl.id, v.version.id, { status: "dead_lettered" });
    await insertTestBuild(user.workspaceId, tpl.id, v.version.id, { status: "failed", error: "build step exited with code 2" });
    await insertTestSession(user.workspaceId, user.userId, "sleeping");
    await insertTestSession(user.workspaceId, user.userId, "running");
    const failed = await insertTestSession(user.workspaceId, user.userId);
    await setTestSessionLifecycle(failed, "failed", { failureReason: "runtime agent stopped answering" });
    const sid = await insertTestSession(user.workspaceId, user.userId, "stopped");
    await insertReadySnapshot(user.workspaceId, sid, { bytes: new Uint8Array(1000) });

    const after = await report();
    expect(after.buildsDeadLettered - before.buildsDeadLettered).toBe(1);
    expect(after.sessionsSleeping - before.sessionsSleeping).toBe(1);
    expect(after.sessionsRunning - before.sessionsRunning).toBe(1);
    expect(after.sessionsFailed - before.sessionsFailed).toBe(1);
    expect(after.activeUploadGrants - before.activeUploadGrants).toBe(1);
    expect(after.totals.users - before.totals.users).toBe(1);
    expect(after.totals.workspaces - before.totals.workspaces).toBe(1);
    expect(after.totals.sessions - before.totals.sessions).toBe(4);
    expect(after.totals.snapshotBytes - before.totals.snapshotBytes).toBe(1000);
    expect(after.deadLetteredBuilds.find((b) => b.id === dead)).toMatchObject({
      workspaceId: user.workspaceId,
      templateName: tpl.name,
      version: "1.0.0",
      error: "gave up after the last retry",
    });
    const reasons = after.recentFailures.map((f) => `${f.kind}:${f.reason}`);
    expect(reasons).toContain("build:build step exited with code 2");
    expect(reasons).toContain("session:runtime agent stopped answering");
    expect(after.policy).toMatchObject({ deletedRetentionDays: 7, stuckBuildPolicy: "fail" });
  });

  it("lets an operator retry another workspace's dead-lettered build, once", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id);
    const dead = await insertTestBuild(user.workspaceId, tpl.id, v.version.id, { status: "dead_lettered" });
    const op = await operatorUser();
    // The workspace route does not see other workspaces' builds; the admin route does.
    expect((await call("POST", `/api/template-builds/${dead}/retry`, { user: op })).status).toBe(404);
    const res = await call("POST", `/api/admin/template-builds/${dead}/retry`, { user: op });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("queued");
    expect((await call("POST", `/api/admin/template-builds/${dead}/retry`, { user: op })).status).toBe(409);
    expect((await call("POST", "/api/admin/template-builds/bld_nope/retry", { user: op })).status).toBe(404);
  });
});

describe("POST /api/admin/reconcile", () => {
  it("validates its input and previews without changing anything", async () => {
    const op = await operatorUser();
    for (const body of [{ preview: "yes" }, { preview: true, extra: 1 }, [1]]) {
      expect((await call("POST", "/api/admin/reconcile", { user: op, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call("POST", "/api/admin/reconcile?preview=maybe", { user: op })).status).toBe(400);
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id);
    await expireUploadGrant(v.uploadGrant.id);
    for (const [path, body] of [
      ["/api/admin/reconcile?preview=1", undefined],
      ["/api/admin/reconcile", { preview: true }],
    ] as const) {
      const res = await call("POST", path, { user: op, body });
      expect(res.status).toBe(200);
      const result = reconcileResultSchema.parse(await res.json());
      expect(result.preview).toBe(true);
      expect(result.actions.find((a) => a.kind === "upload_grant_expire")).toMatchObject({ outcome: "planned" });
    }
    expect(await countRows("upload_grants", "version_id = ?", v.version.id)).toBe(1);
    const ran = reconcileResultSchema.parse(await (await call("POST", "/api/admin/reconcile", { user: op })).json());
    expect(ran.preview).toBe(false);
    expect(ran.counts.upload_grant_expire).toBe(1);
    const audit = await env.DB.prepare("SELECT actor_id FROM audit_log WHERE action = 'reconcile.upload_grant_expire'").first<{
      actor_id: string;
    }>();
    expect(audit?.actor_id).toBe(op.userId);
    expect((await report()).lastReconcile).toMatchObject({ preview: false });
  });
});

describe("recoverable deletes", () => {
  it("hides a deleted snapshot, keeps its archive, and an operator restores it", async () => {
    const user = await createTestUser();
    const sid = await insertTestSession(user.workspaceId, user.userId, "stopped");
    const snap = await insertReadySnapshot(user.workspaceId, sid);
    expect((await call("DELETE", `/api/sessions/${sid}/snapshots/${snap.id}`, { user })).status).toBe(200);
    expect((await call("GET", `/api/sessions/${sid}/snapshots/${snap.id}`, { user })).status).toBe(404);
    expect(await env.BUCKET.head(snap.key)).not.toBeNull();
    const op = await operatorUser();
    const deleted = deletedListSchema.parse(
      await (await call("GET", `/api/admin/deleted?workspaceId=${user.workspaceId}`, { user: op })).json(),
    );
    expect(deleted.items.map((i) => `${i.kind}:${i.id}`)).toEqual([`snapshot:${snap.id}`]);
    const res = await call("POST", "/api/admin/restore", { user: op, body: { kind: "snapshot", id: snap.id } });
    expect(res.status).toBe(200);
    expect(restoreResultSchema.parse(await res.json()).restored.snapshots).toBe(1);
    expect((await call("GET", `/api/sessions/${sid}/snapshots/${snap.id}`, { user })).status).toBe(200);
    // Restoring what is not deleted, or unknown ids, is 404; bad kinds and ids are 400.
    expect((await call("POST", "/api/admin/restore", { user: op, body: { kind: "snapshot", id: snap.id } })).status).toBe(404);
    expect((await call("POST", "/api/admin/restore", { user: op, body: { kind: "session", id: "ses_nope" } })).status).toBe(404);
    for (const body of [{ kind: "user", id: "x" }, { kind: "session", id: "../x" }, { kind: "session" }]) {
      expect((await call("POST", "/api/admin/restore", { user: op, body })).status).toBe(400);
    }
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ? AND action = 'admin.restore'")
      .bind(snap.id)
      .first();
    expect(audit).not.toBeNull();
  });

  it("hides a deleted template with its builds; restore brings it back unless its name was taken again", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user, "restorable");
    const v = await createVersion(user, tpl.id);
    const buildId = await markBuilt(user.workspaceId, tpl.id, v.version.id);
    await env.BUCKET.put(`builds/${user.workspaceId}/${buildId}/artifact.tar.gz`, "artifact");
    expect((await call("DELETE", `/api/templates/${tpl.id}`, { user })).status).toBe(200);
    expect((await call("GET", `/api/templates/${tpl.id}`, { user })).status).toBe(404);
    const builds = (await (await call("GET", "/api/template-builds", { user })).json()) as { builds: { id: string }[] };
    expect(builds.builds.map((b) => b.id)).not.toContain(buildId);
    expect(await env.BUCKET.head(`builds/${user.workspaceId}/${buildId}/artifact.tar.gz`)).not.toBeNull();

    const op = await operatorUser();
    const again = await createTemplate(user, "restorable");
    expect((await call("POST", "/api/admin/restore", { user: op, body: { kind: "template", id: tpl.id } })).status).toBe(409);
    expect((await call("DELETE", `/api/templates/${again.id}`, { user })).status).toBe(200);
    expect((await call("POST", "/api/admin/restore", { user: op, body: { kind: "template", id: tpl.id } })).status).toBe(200);
    expect((await call("GET", `/api/templates/${tpl.id}`, { user })).status).toBe(200);
  });

  it("restores a deleted workspace with the sessions, templates and snapshots its delete hid", async () => {
    const owner = await createTestUser();
    const created = await call("POST", "/api/workspaces", { user: owner, body: { name: "Team" } });
    expect(created.status).toBe(201);
    const wsId = ((await created.json()) as { workspace: { id: string } }).workspace.id;
    const sid = await insertTestSession(wsId, owner.userId, "stopped");
    await insertReadySnapshot(wsId, sid);
    expect((await call("POST", "/api/auth/switch-workspace", { user: owner, body: { workspaceId: wsId } })).status).toBe(200);
    expect((await call("DELETE", "/api/workspaces/current", { user: owner })).status).toBe(200);
    const op = await operatorUser();
    const res = await call("POST", "/api/admin/restore", { user: op, body: { kind: "workspace", id: wsId } });
    expect(res.status).toBe(200);
    expect(restoreResultSchema.parse(await res.json()).restored).toEqual({ sessions: 1, snapshots: 1, templates: 0 });
    const row = await env.DB.prepare("SELECT deleted_at FROM workspaces WHERE id = ?").bind(wsId).first<{ deleted_at: number | null }>();
    expect(row?.deleted_at).toBeNull();
  });
});
