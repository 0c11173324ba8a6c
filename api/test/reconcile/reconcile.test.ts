import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { adminReportSchema, type ReconcileResult } from "@burstflare/sdk/schemas/admin";
import { sessionResponse } from "@burstflare/sdk/schemas/sessions";
import { createShareResponse, shareAccessListResponse } from "@burstflare/sdk/schemas/shares";
import { describe, expect, it } from "vitest";
import { seedDeletedAge } from "../../src/admin/seed";
import { insertChallenge } from "../../src/auth/challenges-repo";
import { issueSignIn } from "../../src/auth/sign-ins";
import { newId } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { runReconcile } from "../../src/reconcile/run";
import type { SessionCore } from "../../src/sessions/core";
import { claimRunningSlot } from "../../src/sessions/sessions-repo";
import { sessionStub } from "../../src/sessions/stub";
import { logShareAccess } from "../../src/shares/access-log";
import { bundleKey } from "../../src/templates/keys";
import { markVersionUploadedStatement } from "../../src/templates/templates-repo";
import { operatorUser } from "../helpers/operator";
import { insertReadySnapshot, insertTestSession } from "../helpers/snapshots";
import { createTemplate, createVersion, expireUploadGrant, insertTestBuild } from "../helpers/templates";
import { call, createTestUser } from "../helpers/users";

const HOUR = 3_600_000;

async function report() {
  return adminReportSchema.parse(await (await call("GET", "/api/admin/report", { user: await operatorUser() })).json());
}

const done = (r: ReconcileResult, kind: string) => r.actions.filter((a) => a.kind === kind && a.outcome === "done").map((a) => a.targetId);

async function auditActions(targetId: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ? ORDER BY created_at").bind(targetId).all<{
    action: string;
  }>();
  return results.map((r) => r.action);
}

/** Rows and objects a run could touch, to prove a preview (or a second run) left everything as it was. */
async function fingerprint(): Promise<string> {
  const parts: unknown[] = [];
  for (const table of ["sessions", "snapshots", "templates", "template_builds", "upload_grants", "sign_ins", "workspaces"]) {
    parts.push((await env.DB.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()).results);
  }
  parts.push((await env.BUCKET.list()).objects.map((o) => o.key));
  return JSON.stringify(parts);
}

describe("reconcile", () => {
  it("sleeps a running session idle past its limit whose alarm was lost; preview first changes nothing", async () => {
    const user = await createTestUser();
    const created = await call("POST", "/api/sessions", { user, body: { name: "idle" } });
    expect(created.status).toBe(201);
    const session = sessionResponse.parse(await created.json()).session;
    expect(session.state).toBe("running");
    // The alarm is lost and the session has been idle for an hour (default idle limit 15 min).
    await runInDurableObject(sessionStub(env, session.id), async (instance, state) => {
      await state.storage.deleteAlarm();
      const core = (instance as unknown as { core: SessionCore }).core;
      await core.patch({ readyAt: Date.now() - HOUR });
    });

    const before = await fingerprint();
    const preview = await runReconcile(env, { preview: true });
    expect(preview.actions.find((a) => a.targetId === session.id)).toMatchObject({ kind: "session_check_idle", outcome: "planned" });
    expect(await fingerprint()).toBe(before);

    const run = await runReconcile(env);
    expect(done(run, "session_check_idle")).toEqual([session.id]);
    const row = await env.DB.prepare("SELECT state FROM sessions WHERE id = ?").bind(session.id).first<{ state: string }>();
    expect(row?.state).toBe("sleeping");
    // It flushed before sleeping: its restore point is a sleep snapshot.
    const snap = await env.DB.prepare("SELECT kind FROM snapshots WHERE session_id = ? AND status = 'ready' ORDER BY created_at DESC")
      .bind(session.id)
      .first<{ kind: string }>();
    expect(snap?.kind).toBe("sleep");
    expect(await auditActions(session.id)).toContain("reconcile.session_check_idle");

    const second = await runReconcile(env);
    expect(second.changed).toBe(0);
    expect(second.failed).toBe(0);
  });

  it("gives back a running slot whose start never reached its Session DO; a session really starting keeps it", async () => {
    const user = await createTestUser();
    const ids: string[] = [];
    for (const name of ["claimed", "booting", "next"]) {
      const res = await call("POST", "/api/sessions", { user, body: { name, start: false } });
      expect(res.status).toBe(201);
      ids.push(sessionResponse.parse(await res.json()).session.id);
    }
    const [claimed, booting, next] = ids as [string, string, string];
    // Both claimed a slot 20 minutes ago (the free plan runs two at once). The first start's DO was
    // evicted before its first transition, so only D1 says starting; the second is a long boot.
    const claimedAt = Date.now() - 20 * 60_000;
    for (const id of [claimed, booting]) {
      expect((await call("GET", `/api/sessions/${id}`, { user })).status).toBe(200);
      expect(await claimRunningSlot(dbOf(env), id, user.workspaceId, 2, claimedAt)).toBe(true);
    }
    await runInDurableObject(sessionStub(env, booting), async (instance) => {
      await (instance as unknown as { core: SessionCore }).core.patch({ state: "starting" });
    });
    expect((await call("POST", `/api/sessions/${next}/start`, { user })).status).toBe(403);

    const before = await fingerprint();
    const preview = await runReconcile(env, { preview: true });
    expect(preview.actions.filter((a) => a.kind === "session_release_stale_claim").map((a) => a.targetId)).toEqual([claimed, booting]);
    expect(await fingerprint()).toBe(before);

    const run = await runReconcile(env);
    expect(done(run, "session_release_stale_claim")).toEqual([claimed]);
    const states = async () =>
      (await env.DB.prepare("SELECT id, state FROM sessions WHERE workspace_id = ? ORDER BY id").bind(user.workspaceId).all()).results;
    expect(Object.fromEntries((await states()).map((r) => [r.id, r.state]))).toEqual({
      [claimed]: "created",
      [booting]: "starting",
      [next]: "created",
    });
    expect(await auditActions(claimed)).toContain("reconcile.session_release_stale_claim");
    expect((await call("POST", `/api/sessions/${next}/start`, { user })).status).toBe(200);
  });

  it("deletes share link access log rows past their retention (30 days) and keeps the newer ones", async () => {
    const user = await createTestUser();
    const created = await call("POST", "/api/sessions", { user, body: { name: "shared", start: false } });
    const sessionId = sessionResponse.parse(await created.json()).session.id;
    const share = await call("POST", `/api/sessions/${sessionId}/shares`, { user, body: { scope: "anyone", expiresInSeconds: 3600 } });
    expect(share.status).toBe(201);
    const shareId = createShareResponse.parse(await share.json()).share.id;
    const DAY = 24 * HOUR;
    const visitAt = (at: number) =>
      logShareAccess(env, {
        shareId,
        sessionId,
        userId: null,
        email: null,
        method: "GET",
        path: `/at-${at}`,
        websocket: false,
        outcome: "allowed",
        reason: null,
        ip: null,
        userAgent: null,
        at,
      });
    const now = Date.now();
    const [old, older, recent, today] = [now - 31 * DAY, now - 40 * DAY, now - 29 * DAY, now];
    for (const at of [old, older, recent, today]) await visitAt(at);
    const paths = async () => {
      const res = await call("GET", `/api/sessions/${sessionId}/share-access?limit=500`, { user });
      return shareAccessListResponse
        .parse(await res.json())
        .entries.map((e) => e.path)
        .sort();
    };
    expect(await paths()).toEqual([old, older, recent, today].map((at) => `/at-${at}`).sort());

    const run = await runReconcile(env);
    expect(run.actions.find((a) => a.kind === "share_access_expire")).toMatchObject({ outcome: "done", targetId: "2 rows" });
    expect(await paths()).toEqual([recent, today].map((at) => `/at-${at}`).sort());
  });

  it("recovers a build stuck in building past its limit, audited; a second run changes nothing", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id);
    const startedAt = Date.now() - (Number(env.BUILD_STUCK_AFTER_SECONDS) + 60) * 1000;
    const stuck = await insertTestBuild(user.workspaceId, tpl.id, v.version.id, { status: "building", startedAt });
    const fresh = await insertTestBuild(user.workspaceId, tpl.id, v.version.id, { status: "building" });
    expect((await report()).buildsStuck).toBe(1);
    const run = await runReconcile(env);
    expect(done(run, "build_recover_stuck")).toEqual([stuck]);
    const rows = await env.DB.prepare("SELECT id, status, error FROM template_builds WHERE id IN (?, ?)")
      .bind(stuck, fresh)
      .all<{ id: string; status: string; error: string | null }>();
    expect(rows.results.find((r) => r.id === stuck)).toMatchObject({ status: "failed", error: expect.stringMatching(/stuck in building/) });
    expect(rows.results.find((r) => r.id === fresh)?.status).toBe("building");
    expect(await auditActions(stuck)).toEqual(["reconcile.build_recover_stuck"]);
    expect((await report()).buildsStuck).toBe(0);
    const before = await fingerprint();
    expect((await runReconcile(env)).changed).toBe(0);
    expect(await fingerprint()).toBe(before);
  });

  it("expires upload grants, challenges and sign-ins; an expired grant no longer counts as active", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id);
    const active = (await report()).activeUploadGrants;
    await expireUploadGrant(v.uploadGrant.id, Date.now() - 1000);
    expect((await report()).activeUploadGrants).toBe(active - 1);
    // A login ceremony stored with a lifetime already over.
    const challenge = {
      id: newId("chl"),
      kind: "login",
      challenge: "x",
      userId: null,
      email: null,
      data: {},
      expiresAt: Date.now() - 1000,
    };
    await insertChallenge(dbOf(env), challenge, Date.now());
    // Issued the way sign-in does, with a lifetime already over.
    const expiredLogin = (await issueSignIn(env, { userId: user.userId, kind: "browser", ttlMs: -1000 })).id;
    const run = await runReconcile(env);
    for (const kind of ["upload_grant_expire", "auth_challenge_expire", "sign_in_expire"]) {
      expect(run.counts[kind], kind).toBe(1);
    }
    expect(await env.DB.prepare("SELECT id FROM upload_grants WHERE id = ?").bind(v.uploadGrant.id).first()).toBeNull();
    expect(await env.DB.prepare("SELECT id FROM sign_ins WHERE id = ?").bind(expiredLogin).first()).toBeNull();
    // The test user's own (live) session is untouched.
    expect((await call("GET", "/api/auth/me", { user })).status).toBe(200);
    expect((await runReconcile(env)).changed).toBe(0);
  });

  it("removes R2 objects whose rows are gone, past the grace period only, and keeps owned ones", async () => {
    const user = await createTestUser();
    const sid = await insertTestSession(user.workspaceId, user.userId);
    const owned = await insertReadySnapshot(user.workspaceId, sid);
    // A live snapshot's manifest (beside its archive) is owned; a gone one's is an orphan.
    const ownedManifest = owned.key.replace(/\.tar\.gz$/, ".manifest.json");
    await env.BUCKET.put(ownedManifest, "{}");
    const orphans = [
      `snapshots/${user.workspaceId}/${sid}/snap_gone.tar.gz`,
      `snapshots/${user.workspaceId}/${sid}/snap_gone.manifest.json`,
      `builds/${user.workspaceId}/bld_gone/log.txt`,
      `templates/${user.workspaceId}/tpl_gone/tpv_gone/upg_gone.tar.gz`,
    ];
    for (const key of orphans) await env.BUCKET.put(key, "left behind");
    // Inside the (default one hour) grace period nothing is touched.
    expect((await runReconcile(env)).counts.orphan_object_delete).toBeUndefined();
    const policy = { orphanGraceMs: -1 };
    const preview = await runReconcile(env, { preview: true, policy });
    expect(
      preview.actions
        .filter((a) => a.kind === "orphan_object_delete")
        .map((a) => a.targetId)
        .sort(),
    ).toEqual([...orphans].sort());
    for (const key of orphans) expect(await env.BUCKET.head(key)).not.toBeNull();
    const run = await runReconcile(env, { policy });
    expect(done(run, "orphan_object_delete").sort()).toEqual([...orphans].sort());
    for (const key of orphans) expect(await env.BUCKET.head(key)).toBeNull();
    expect(await env.BUCKET.head(owned.key)).not.toBeNull();
    expect(await env.BUCKET.head(ownedManifest)).not.toBeNull();
    expect((await runReconcile(env, { policy })).changed).toBe(0);
  });

  it("keeps a deleted session restorable inside the window and purges it with its snapshots after", async () => {
    const user = await createTestUser();
    const res = await call("POST", "/api/sessions", { user, body: { name: "gone", start: false } });
    const session = sessionResponse.parse(await res.json()).session;
    const snap = await insertReadySnapshot(user.workspaceId, session.id);
    expect((await call("DELETE", `/api/sessions/${session.id}`, { user })).status).toBe(200);
    expect((await call("GET", `/api/sessions/${session.id}`, { user })).status).toBe(404);

    // Inside the window: reconcile leaves it; an operator restores it to stopped.
    expect(done(await runReconcile(env), "session_purge")).toEqual([]);
    const op = await operatorUser();
    expect((await call("POST", "/api/admin/restore", { user: op, body: { kind: "session", id: session.id } })).status).toBe(200);
    const restored = sessionResponse.parse(await (await call("GET", `/api/sessions/${session.id}`, { user })).json()).session;
    expect(restored.state).toBe("stopped");
    // Its Session DO left `deleted` too: deleting it again works like any delete.
    expect((await call("DELETE", `/api/sessions/${session.id}`, { user })).status).toBe(200);

    // Past the window (DELETED_RETENTION_DAYS=0): purged with its snapshot rows and archives, audited.
    const policy = { deletedRetentionMs: 0 };
    const preview = await runReconcile(env, { preview: true, policy });
    expect(preview.actions.find((a) => a.targetId === session.id)).toMatchObject({ kind: "session_purge", outcome: "planned" });
    expect(await env.BUCKET.head(snap.key)).not.toBeNull();
    const run = await runReconcile(env, { policy });
    expect(done(run, "session_purge")).toContain(session.id);
    expect(await env.DB.prepare("SELECT id FROM sessions WHERE id = ?").bind(session.id).first()).toBeNull();
    expect(await env.DB.prepare("SELECT id FROM snapshots WHERE session_id = ?").bind(session.id).first()).toBeNull();
    expect(await env.BUCKET.head(snap.key)).toBeNull();
    expect(await auditActions(session.id)).toContain("reconcile.session_purge");
    expect((await call("POST", "/api/admin/restore", { user: op, body: { kind: "session", id: session.id } })).status).toBe(404);
    expect((await runReconcile(env, { policy })).changed).toBe(0);
  });

  it("purges deleted snapshots and templates after the window, objects first", async () => {
    const user = await createTestUser();
    const sid = await insertTestSession(user.workspaceId, user.userId);
    const snap = await insertReadySnapshot(user.workspaceId, sid);
    expect((await call("DELETE", `/api/sessions/${sid}/snapshots/${snap.id}`, { user })).status).toBe(200);
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id);
    const bundle = bundleKey(user.workspaceId, tpl.id, v.version.id, v.uploadGrant.id);
    await env.BUCKET.put(bundle, "bundle");
    const db = dbOf(env);
    await db.batch([markVersionUploadedStatement(db, v.version.id, { key: bundle, sha256: "0".repeat(64), bytes: 6 }, null)]);
    expect((await call("DELETE", `/api/templates/${tpl.id}`, { user })).status).toBe(200);
    // Aged past the default seven days, as operator seeding ages a deletion.
    await seedDeletedAge(env, "snapshot", snap.id, 8);
    await seedDeletedAge(env, "template", tpl.id, 8);
    const run = await runReconcile(env);
    expect(done(run, "snapshot_purge")).toEqual([snap.id]);
    expect(done(run, "template_purge")).toEqual([tpl.id]);
    expect(await env.BUCKET.head(snap.key)).toBeNull();
    expect(await env.BUCKET.head(bundle)).toBeNull();
    for (const [table, col, id] of [
      ["snapshots", "id", snap.id],
      ["templates", "id", tpl.id],
      ["template_versions", "template_id", tpl.id],
    ] as const) {
      expect(await env.DB.prepare(`SELECT 1 FROM ${table} WHERE ${col} = ?`).bind(id).first(), table).toBeNull();
    }
    expect((await runReconcile(env)).changed).toBe(0);
  });

  it("the queue consumer runs a pass per message and drops malformed ones", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const v = await createVersion(user, tpl.id);
    await expireUploadGrant(v.uploadGrant.id);
    const { handleReconcileMessage } = await import("../../src/reconcile/consumer");
    const acks: string[] = [];
    const message = (body: unknown) =>
      ({
        id: `m${acks.length}`,
        body,
        attempts: 1,
        timestamp: new Date(),
        ack: () => acks.push("ack"),
        retry: () => acks.push("retry"),
      }) as unknown as Message<unknown>;
    await handleReconcileMessage(env, message({ kind: "nope" }));
    expect(await env.DB.prepare("SELECT id FROM upload_grants WHERE id = ?").bind(v.uploadGrant.id).first()).not.toBeNull();
    await handleReconcileMessage(env, message({ kind: "reconcile", scheduledAt: Date.now() }));
    expect(await env.DB.prepare("SELECT id FROM upload_grants WHERE id = ?").bind(v.uploadGrant.id).first()).toBeNull();
    expect(acks).toEqual(["ack", "ack"]);
  });
});
