import { env } from "cloudflare:workers";
import { snapshotListSchema } from "@burstflare/sdk/schemas/snapshots";
import { describe, expect, it } from "vitest";
import { runReconcile } from "../../src/reconcile/run";
import { MAX_MANUAL_SNAPSHOTS } from "../../src/snapshots/limits";
import { manifestKey } from "../../src/snapshots/records";
import { expectBurstCapped, makeMany } from "../helpers/limits";
import { expectQuotaRefusal, insertReadySnapshot, insertTestSession, r2Bytes, setSnapshotQuota } from "../helpers/snapshots";
import { call, createTestUser, type TestUser } from "../helpers/users";

/** A manifest of ~2,000 files (~200 KB): a restore's reference copies it whole beside a 31-byte archive. */
const MANIFEST = {
  version: 1,
  entries: Array.from({ length: 2000 }, (_, i) => ({ p: `work/file-${i}.txt`, t: "f", s: 100, m: "1", mode: 0o644, h: "ab".repeat(32) })),
  format: "full",
  baseId: null,
  deleted: [],
};

/** A stopped session whose restore point is a stop flush, and an older labelled snapshot `v1` with a manifest. */
async function stoppedSession() {
  const user = await createTestUser();
  const sessionId = await insertTestSession(user.workspaceId, user.userId);
  const t = Date.now();
  const v1 = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "manual", label: "v1", createdAt: t - 5000 });
  await env.BUCKET.put(manifestKey(v1.key), JSON.stringify(MANIFEST));
  const stop = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "stop", createdAt: t - 1000 });
  return { user, sessionId, v1, stop };
}

const restore = (user: TestUser, sessionId: string, snapshotId: string) =>
  call("POST", `/api/sessions/${sessionId}/snapshots/${snapshotId}/restore`, { user });

async function listed(user: TestUser, sessionId: string) {
  const res = await call("GET", `/api/sessions/${sessionId}/snapshots`, { user });
  expect(res.status).toBe(200);
  return snapshotListSchema.parse(await res.json()).snapshots;
}

describe("restoring a stopped session stays within the snapshot limits", () => {
  it("refuses every restore over the snapshotBytes quota: no row and no byte in R2 is added (the review's demonstration)", async () => {
    const { user, sessionId, v1, stop } = await stoppedSession();
    const v0 = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "manual", label: "v0", createdAt: Date.now() - 9000 });
    await setSnapshotQuota(user.workspaceId, 1);
    const before = await r2Bytes(user.workspaceId, sessionId);
    // Alternating, as the review did: v1 has a manifest (a reference), v0 none (a full copy).
    for (let i = 0; i < 30; i++) {
      await expectQuotaRefusal(await restore(user, sessionId, i % 2 === 0 ? v1.id : v0.id), "snapshotBytes");
    }
    expect(await r2Bytes(user.workspaceId, sessionId)).toBe(before);
    expect((await listed(user, sessionId)).map((s) => s.id).sort()).toEqual([v0.id, v1.id, stop.id].sort());
  });

  it("counts a reference's manifest, and a parallel burst makes exactly the references that fit", async () => {
    const { user, sessionId, v1 } = await stoppedSession();
    const first = await restore(user, sessionId, v1.id);
    expect(first.status).toBe(200);
    const ref = ((await first.json()) as { restored: { id: string; bytes: number } }).restored;
    const refKey = `snapshots/${user.workspaceId}/${sessionId}/${ref.id}.tar.gz`;
    // What the reference really added to R2: a 31-byte archive and a copy of the ~200 KB manifest.
    const refBytes = (await env.BUCKET.head(refKey))!.size + (await env.BUCKET.head(manifestKey(refKey)))!.size;
    expect(ref.bytes).toBe(31);
    expect(refBytes).toBeGreaterThan(100_000);
    const used = await setSnapshotQuota(user.workspaceId, 1024 ** 3);
    expect(used).toBe(2 * 2048 + refBytes);

    // Room for 3 more references (and half of a fourth); 10 restores at once.
    await setSnapshotQuota(user.workspaceId, used + 3 * refBytes + Math.floor(refBytes / 2));
    const before = await r2Bytes(user.workspaceId, sessionId);
    const answers = await Promise.all(Array.from({ length: 10 }, () => restore(user, sessionId, v1.id)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(3);
    for (const res of answers.filter((r) => r.status !== 200)) await expectQuotaRefusal(res, "snapshotBytes");
    expect(await r2Bytes(user.workspaceId, sessionId)).toBe(before + 3 * refBytes);
    expect(await listed(user, sessionId)).toHaveLength(2 + 1 + 3);
  });

  it(`holds a session to ${MAX_MANUAL_SNAPSHOTS} manual snapshots under a parallel burst; a deleted one counts until purged`, async () => {
    const { user, sessionId, v1 } = await stoppedSession();
    // v1 is one manual snapshot; 4 places are left after these.
    const made = await makeMany(MAX_MANUAL_SNAPSHOTS - 5, () => restore(user, sessionId, v1.id));
    expect(made.map((r) => r.status)).toEqual(made.map(() => 200));
    await expectBurstCapped(() => restore(user, sessionId, v1.id), 10, 4, "manualSnapshots", MAX_MANUAL_SNAPSHOTS, 200);
    const snapshots = await listed(user, sessionId);
    expect(snapshots.filter((s) => s.kind === "manual")).toHaveLength(MAX_MANUAL_SNAPSHOTS);

    const oldest = snapshots.filter((s) => s.label === "restore of v1").at(-1)!;
    expect((await call("DELETE", `/api/sessions/${sessionId}/snapshots/${oldest.id}`, { user })).status).toBe(200);
    await expectQuotaRefusal(await restore(user, sessionId, v1.id), "manualSnapshots");
    await runReconcile(env, { policy: { deletedRetentionMs: 0 } });
    expect((await restore(user, sessionId, v1.id)).status).toBe(200);
  }, 120_000);
});
