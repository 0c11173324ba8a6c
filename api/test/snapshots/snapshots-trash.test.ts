import { env } from "cloudflare:workers";
import type { ErrorBody } from "@burstflare/sdk/errors";
import { snapshotListSchema, snapshotSchema } from "@burstflare/sdk/schemas/snapshots";
import { describe, expect, it } from "vitest";
import { manifestKey } from "../../src/snapshots/records";
import { applyRetention } from "../../src/snapshots/retention";
import { expectQuotaRefusal, insertReadySnapshot, insertTestSession, r2Bytes, setSnapshotQuota } from "../helpers/snapshots";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * A deleted snapshot keeps its archive for the operator restore window, so it counts against
 * snapshotBytes until purged or deleted permanently (`?permanent=true`). Copies stand in for saves:
 * restoring a stopped session makes one without a runtime.
 */

/** A stopped session: restore point `stop`, an older manual `v0` (2048 bytes, no manifest: its restore is a full copy). */
async function stoppedSession() {
  const user = await createTestUser();
  const sessionId = await insertTestSession(user.workspaceId, user.userId);
  const t = Date.now();
  const v0 = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "manual", label: "v0", createdAt: t - 5000 });
  const stop = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "stop", createdAt: t - 1000 });
  return { user, sessionId, v0, stop };
}

async function restore(user: TestUser, sessionId: string, snapshotId: string): Promise<Response> {
  return call("POST", `/api/sessions/${sessionId}/snapshots/${snapshotId}/restore`, { user });
}

async function restoredId(res: Response): Promise<string> {
  expect(res.status).toBe(200);
  return snapshotSchema.parse(((await res.json()) as { restored: unknown }).restored).id;
}

const remove = (user: TestUser, sessionId: string, snapshotId: string, permanent = false) =>
  call("DELETE", `/api/sessions/${sessionId}/snapshots/${snapshotId}${permanent ? "?permanent=true" : ""}`, { user });

async function expectConflict(res: Response, reason: string): Promise<void> {
  expect(res.status).toBe(409);
  expect(((await res.json()) as ErrorBody).error.details).toMatchObject({ reason });
}

/** stoppedSession with room for one copy of v0 and a half (`used`: what it held before), and one copy made and deleted (`first`). */
async function oneDeletedCopy() {
  const { user, sessionId, v0 } = await stoppedSession();
  const used = await setSnapshotQuota(user.workspaceId, 1024 ** 3);
  await setSnapshotQuota(user.workspaceId, used + 3072);
  const first = await restoredId(await restore(user, sessionId, v0.id));
  expect((await remove(user, sessionId, first)).status).toBe(200);
  return { user, sessionId, v0, used, first };
}

describe("deleted snapshots count against snapshotBytes until purged", () => {
  it("refuses the save, delete, save again cycle once live and deleted bytes reach the quota", async () => {
    const { user, sessionId, v0, used, first } = await oneDeletedCopy();
    // The deleted copy keeps its archive in R2 and counts: the next cycle is refused.
    expect(await env.BUCKET.head(`snapshots/${user.workspaceId}/${sessionId}/${first}.tar.gz`)).not.toBeNull();
    const before = await r2Bytes(user.workspaceId, sessionId);
    for (let i = 0; i < 5; i++) {
      const error = await expectQuotaRefusal(await restore(user, sessionId, v0.id), "snapshotBytes");
      expect(error.details).toMatchObject({ current: used + 2048, deletedBytes: 2048 });
      expect(error.message).toMatch(/permanently/);
    }
    expect(await r2Bytes(user.workspaceId, sessionId)).toBe(before);
    expect(await setSnapshotQuota(user.workspaceId, used + 3072)).toBe(used + 2048);
    // The session's list says what deleted snapshots hold, and until when.
    const list = snapshotListSchema.parse(await (await call("GET", `/api/sessions/${sessionId}/snapshots`, { user })).json());
    expect(list.deleted?.bytes).toBe(2048);
    expect(Date.parse(list.deleted?.purgeAfter ?? "")).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
  });

  it("holds a parallel burst to what fits beside the deleted bytes", async () => {
    const { user, sessionId, v0, used } = await oneDeletedCopy();
    // The deleted copy's 2048 bytes and room for 2 more copies.
    await setSnapshotQuota(user.workspaceId, used + 3 * 2048 + 1000);
    const answers = await Promise.all(Array.from({ length: 8 }, () => restore(user, sessionId, v0.id)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(2);
    for (const res of answers.filter((r) => r.status !== 200)) await expectQuotaRefusal(res, "snapshotBytes");
  });

  it("lists the session's deleted snapshots (?deleted=true) so they can be deleted permanently; the plain list leaves them out", async () => {
    const { user, sessionId, first } = await oneDeletedCopy();
    const ids = async (query: string) => {
      const res = await call("GET", `/api/sessions/${sessionId}/snapshots${query}`, { user });
      expect(res.status).toBe(200);
      return snapshotListSchema.parse(await res.json()).snapshots.map((s) => s.id);
    };
    expect(await ids("?deleted=true")).toEqual([first]);
    expect(await ids("")).not.toContain(first);
    expect((await call("GET", `/api/sessions/${sessionId}/snapshots?deleted=yes`, { user })).status).toBe(400);
    expect((await remove(user, sessionId, first, true)).status).toBe(200);
    expect(await ids("?deleted=true")).toEqual([]);
  });

  it("a permanent delete, of a deleted or a live snapshot, removes its objects and frees its bytes at once", async () => {
    const { user, sessionId, v0, used, first } = await oneDeletedCopy();
    await expectQuotaRefusal(await restore(user, sessionId, v0.id), "snapshotBytes");

    // Emptying the trash: the hidden copy goes for good, and the next copy fits.
    expect((await remove(user, sessionId, first, true)).status).toBe(200);
    const key = `snapshots/${user.workspaceId}/${sessionId}/${first}.tar.gz`;
    expect(await env.BUCKET.head(key)).toBeNull();
    expect(await env.BUCKET.head(manifestKey(key))).toBeNull();
    expect(await setSnapshotQuota(user.workspaceId, used + 3072)).toBe(used);
    await restoredId(await restore(user, sessionId, v0.id));

    // A live snapshot straight away: not hidden first, gone with its archive, its bytes freed.
    expect((await remove(user, sessionId, v0.id, true)).status).toBe(200);
    expect(await env.BUCKET.head(v0.key)).toBeNull();
    expect(await setSnapshotQuota(user.workspaceId, used + 3072)).toBe(used);
    expect((await remove(user, sessionId, v0.id, true)).status).toBe(404);
  });

  it("refuses (409) the restore point, a pending upload and a chain base still named; the refused row keeps counting", async () => {
    const { user, sessionId, stop } = await stoppedSession();
    const pending = await insertReadySnapshot(user.workspaceId, sessionId, { status: "pending", createdAt: Date.now() - 9000 });
    expect((await remove(user, sessionId, pending.id, true)).status).toBe(409);
    await expectConflict(await remove(user, sessionId, stop.id, true), "restorePoint");
    expect(await env.BUCKET.head(stop.key)).not.toBeNull();

    // A restore within the session stores an increment over v1 (a reference): v1 is its base.
    const v1 = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "manual", label: "v1", createdAt: Date.now() - 3000 });
    await env.BUCKET.put(manifestKey(v1.key), JSON.stringify({ version: 1, entries: [], format: "full", baseId: null, deleted: [] }));
    const ref = await restoredId(await restore(user, sessionId, v1.id));
    await expectConflict(await remove(user, sessionId, v1.id, true), "base");
    // Deleted, the increment still needs its base (an operator may restore it).
    expect((await remove(user, sessionId, ref)).status).toBe(200);
    const used = await setSnapshotQuota(user.workspaceId, 1024 ** 3);
    await expectConflict(await remove(user, sessionId, v1.id, true), "base");
    expect(await env.BUCKET.head(v1.key)).not.toBeNull();
    expect(await setSnapshotQuota(user.workspaceId, 1024 ** 3)).toBe(used);
    // From the top of the chain down, the trash empties.
    expect((await remove(user, sessionId, ref, true)).status).toBe(200);
    expect((await remove(user, sessionId, v1.id, true)).status).toBe(200);
    expect(await env.BUCKET.head(v1.key)).toBeNull();
  });

  it("does not count what retention expired: its objects are removed at once", async () => {
    const { user, sessionId } = await stoppedSession();
    const used = await setSnapshotQuota(user.workspaceId, 1024 ** 3);
    // Six unlabelled autosaves older than the stop flush: retention keeps the newest five automatic ones.
    for (let i = 0; i < 6; i++) {
      await insertReadySnapshot(user.workspaceId, sessionId, { kind: "autosave", createdAt: Date.now() - 60_000 + i });
    }
    const expired = await applyRetention(env, sessionId);
    expect(expired).toHaveLength(2);
    expect(await env.BUCKET.head(expired[0]!.r2Key)).toBeNull();
    expect(await setSnapshotQuota(user.workspaceId, 1024 ** 3)).toBe(used + 4 * 2048);
  });

  it("answers 404 for another workspace's snapshot and 403 to a viewer", async () => {
    const { user, sessionId, v0 } = await stoppedSession();
    const other = await createTestUser();
    const otherSession = await insertTestSession(other.workspaceId, other.userId);
    expect((await remove(other, sessionId, v0.id, true)).status).toBe(404);
    expect((await remove(other, otherSession, v0.id, true)).status).toBe(404);
    const viewer = await createTestUser({ workspaceId: user.workspaceId, role: "viewer" });
    expect((await remove(viewer, sessionId, v0.id, true)).status).toBe(403);
    expect(await env.BUCKET.head(v0.key)).not.toBeNull();
  });
});
