import { env } from "cloudflare:workers";
import type { RuntimeInfo } from "@burstflare/sdk/protocol/runtime-host";
import { afterAll, describe, expect, it } from "vitest";
import { newId, sha256Hex } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { getRuntimeDriver } from "../../src/runtime-drivers/select";
import { maybeAutosave } from "../../src/snapshots/autosave";
import { listSnapshots, manifestKey } from "../../src/snapshots/records";
import { sumOwnerSnapshotBytes } from "../../src/snapshots/snapshots-repo";
import { type FetchAgent, latestReadySnapshot, restoreSnapshot, saveSnapshot } from "../../src/snapshots/store";
import { saveQuotaOverrides } from "../../src/workspaces/quotas-repo";
import { insertTestSession } from "../helpers/snapshots";
import { createTestUser } from "../helpers/users";

/** Real runtimes on the local runtime host started for the workers project. */
const driver = getRuntimeDriver(env);
const started: string[] = [];

async function runtime(persistedPaths = ["work"]): Promise<{ info: RuntimeInfo; fetchAgent: FetchAgent }> {
  const info = await driver.start({ runtimeId: newId("rt").replace("_", "-"), env: {}, persistedPaths, fresh: true });
  started.push(info.runtimeId);
  return { info, fetchAgent: (path, init) => driver.fetchAgent(info, path, init) };
}

afterAll(async () => {
  for (const id of started) await driver.stop(id).catch(() => {});
});

async function put(fetchAgent: FetchAgent, path: string, body: Uint8Array | string): Promise<void> {
  const res = await fetchAgent(`/files/content?path=${encodeURIComponent(path)}`, { method: "PUT", body });
  expect(res.status, `PUT ${path}: ${await res.clone().text()}`).toBe(200);
  await res.body?.cancel();
}

/** What R2 holds for a snapshot: its archive and, when it has one, its manifest. */
async function r2Bytes(r2Key: string): Promise<number> {
  const [archive, manifest] = await Promise.all([env.BUCKET.head(r2Key), env.BUCKET.head(manifestKey(r2Key))]);
  return (archive?.size ?? 0) + (manifest?.size ?? 0);
}

/** Today's snapshot_bytes gauge of the workspace. */
async function snapshotBytesUsage(workspaceId: string): Promise<number | undefined> {
  const row = await env.DB.prepare("SELECT value FROM usage_daily WHERE workspace_id = ? AND metric = 'snapshot_bytes'")
    .bind(workspaceId)
    .first<{ value: number }>();
  return row?.value;
}

async function read(fetchAgent: FetchAgent, path: string): Promise<{ status: number; sha256: string | null }> {
  const res = await fetchAgent(`/files/content?path=${encodeURIComponent(path)}`, { method: "GET" });
  if (!res.ok) {
    await res.body?.cancel();
    return { status: res.status, sha256: null };
  }
  return { status: res.status, sha256: await sha256Hex(await res.arrayBuffer()) };
}

const TREE: Record<string, Uint8Array> = {
  "work/all-bytes.bin": new Uint8Array(256 * 16).map((_, i) => i % 256),
  "work/empty.txt": new Uint8Array(0),
  "work/a/b/c/deep.txt": new TextEncoder().encode("deep\n"),
  "work/with space/ünïcødé 名前.txt": new TextEncoder().encode("unusual names\n"),
  "work/.hidden": new TextEncoder().encode("dotfile"),
};

async function owner() {
  const user = await createTestUser();
  const sessionId = await insertTestSession(user.workspaceId, user.userId, "running");
  return { user, session: { id: sessionId, workspaceId: user.workspaceId } };
}

describe("snapshot store against a real agent", () => {
  it("saves a verified snapshot to R2 and restores it byte-identical into a fresh runtime", async () => {
    const { session } = await owner();
    const a = await runtime();
    for (const [path, bytes] of Object.entries(TREE)) await put(a.fetchAgent, path, bytes);
    await put(a.fetchAgent, "scratch.txt", "not persisted");

    const snap = await saveSnapshot(env, { session, kind: "manual", label: "tree", fetchAgent: a.fetchAgent });
    expect(snap).toMatchObject({ status: "ready", kind: "manual", label: "tree" });
    const object = await env.BUCKET.get(snap.r2Key);
    expect(object?.size).toBe(snap.bytes);
    expect(await sha256Hex(await object!.arrayBuffer())).toBe(snap.sha256);
    expect((await latestReadySnapshot(env, session.id))?.id).toBe(snap.id);

    const b = await runtime();
    await restoreSnapshot(env, snap, b.fetchAgent);
    for (const [path, bytes] of Object.entries(TREE)) {
      expect(await read(b.fetchAgent, path), path).toEqual({ status: 200, sha256: await sha256Hex(bytes) });
    }
    expect((await read(b.fetchAgent, "scratch.txt")).status).toBe(404);
  });

  it("refuses to restore an object that no longer matches its recorded sha256, touching nothing", async () => {
    const { session } = await owner();
    const a = await runtime();
    await put(a.fetchAgent, "work/file.txt", "original");
    const snap = await saveSnapshot(env, { session, kind: "manual", fetchAgent: a.fetchAgent });
    const tampered = new Uint8Array(snap.bytes ?? 0).fill(7);
    await env.BUCKET.put(snap.r2Key, tampered);
    const b = await runtime();
    await put(b.fetchAgent, "work/file.txt", "current");
    await expect(restoreSnapshot(env, snap, b.fetchAgent)).rejects.toMatchObject({ code: "unsafe_archive" });
    expect(await read(b.fetchAgent, "work/file.txt")).toEqual({ status: 200, sha256: await sha256Hex("current") });
  });

  it("marks the row failed and keeps the restore point when the agent cannot export", async () => {
    const { session } = await owner();
    const a = await runtime();
    await put(a.fetchAgent, "work/file.txt", "good");
    const good = await saveSnapshot(env, { session, kind: "manual", fetchAgent: a.fetchAgent });
    await driver.stop(a.info.runtimeId);
    await expect(saveSnapshot(env, { session, kind: "stop", fetchAgent: a.fetchAgent })).rejects.toMatchObject({
      code: "runtime_unavailable",
    });
    const rows = await listSnapshots(env, session.id);
    expect(rows.map((r) => r.status)).toEqual(["failed", "ready"]);
    expect(await env.BUCKET.head(rows[0]?.r2Key ?? "")).toBeNull();
    expect((await latestReadySnapshot(env, session.id))?.id).toBe(good.id);
  });

  it("autosaves only when due and when the persisted paths changed", async () => {
    const hour = 3600_000;
    const { session } = await owner();
    const a = await runtime();
    await put(a.fetchAgent, "work/file.txt", "v1");
    const t0 = Date.now();
    // The first check only sets the baseline.
    expect(await maybeAutosave(env, session, a.fetchAgent, t0 - hour)).toMatchObject({ saved: false, reason: "not_due" });
    const first = await maybeAutosave(env, session, a.fetchAgent, t0);
    expect(first.saved).toBe(true);
    // Within the interval nothing is even checked.
    expect(await maybeAutosave(env, session, a.fetchAgent, t0 + 1000)).toMatchObject({ saved: false, reason: "not_due" });
    // Due, but unchanged: no new snapshot.
    expect(await maybeAutosave(env, session, a.fetchAgent, t0 + hour)).toMatchObject({ saved: false, reason: "unchanged" });
    await put(a.fetchAgent, "work/file.txt", "v2");
    const changed = await maybeAutosave(env, session, a.fetchAgent, t0 + 2 * hour);
    expect(changed.saved).toBe(true);
    const rows = await listSnapshots(env, session.id);
    expect(rows.map((r) => r.kind)).toEqual(["autosave", "autosave"]);
    expect(rows[0]?.sha256).not.toBe(rows[1]?.sha256);
  });

  it("refuses manual snapshots over the snapshotBytes quota but always stores a stop flush", async () => {
    const { user, session } = await owner();
    await saveQuotaOverrides(dbOf(env), user.workspaceId, [{ limitName: "snapshotBytes", value: 10 }], "test", Date.now());
    const a = await runtime();
    await put(a.fetchAgent, "work/file.txt", "more than ten bytes once archived");
    await expect(saveSnapshot(env, { session, kind: "manual", fetchAgent: a.fetchAgent })).rejects.toMatchObject({
      code: "quota_exceeded",
    });
    const [refused] = await listSnapshots(env, session.id);
    expect(refused?.status).toBe("failed");
    expect(await env.BUCKET.head(refused?.r2Key ?? "")).toBeNull();
    const flush = await saveSnapshot(env, { session, kind: "stop", fetchAgent: a.fetchAgent });
    expect(flush.status).toBe("ready");
    // Usage counts what R2 holds for the flush: its archive and the manifest beside it.
    expect(await snapshotBytesUsage(user.workspaceId)).toBe(await r2Bytes(flush.r2Key));
  });

  it("counts what R2 holds for a save, its manifest included, against snapshotBytes", async () => {
    const { user, session } = await owner();
    const a = await runtime();
    await put(a.fetchAgent, "work/file.txt", "saved");
    const saved = await saveSnapshot(env, { session, kind: "manual", fetchAgent: a.fetchAgent });
    // The manifest is not free: it lists every file, and can outweigh a small archive.
    const manifest = await env.BUCKET.head(manifestKey(saved.r2Key));
    expect(manifest?.size).toBeGreaterThan(0);
    const held = await r2Bytes(saved.r2Key);
    expect(held).toBe((saved.bytes ?? 0) + (manifest?.size ?? 0));
    expect(await snapshotBytesUsage(user.workspaceId)).toBe(held);
    expect(await sumOwnerSnapshotBytes(dbOf(env), user.workspaceId, user.userId)).toBe(held);
  });
});
