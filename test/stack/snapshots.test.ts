import { restoreIntoNewSessionResult, restoreSnapshotResult } from "@burstflare/sdk/schemas/snapshots";
import { describe, expect, it } from "vitest";
import { api, expectOK, getSession, sessionAction, until } from "./helpers/api";
import { discardKeptWorkspace, killRuntime } from "./helpers/runtime-host";
import { deleteFile, putFile, r2Blobs, r2ObjectExists, readFile, shell, treeDigest, writeSampleTree } from "./helpers/snapshot-tree";
import { listSnapshots, saveSnapshot } from "./helpers/snapshots";
import { createSessionWithManifest } from "./helpers/templates";
import { createStackUser, type StackUser } from "./helpers/users";

const ROOT = "work";

/** A running session whose template persists only `work/`. */
async function persistedSession(user: StackUser, name: string, idleTimeoutSeconds?: number) {
  const session = await createSessionWithManifest(user, { persistedPaths: [ROOT], idleTimeoutSeconds }, { name });
  expect(session.state).toBe("running");
  return session;
}

/** A new user's persisted session with the sample tree written and saved as snapshot `label`, and the tree's digest. */
async function sessionWithSavedTree(name: string, label: string) {
  const user = await createStackUser();
  const session = await persistedSession(user, name);
  const tree = await writeSampleTree(user, session.id, ROOT);
  const snapshot = await saveSnapshot(user, session.id, label);
  const digest = await treeDigest(user, session.id, ROOT);
  return { user, session, tree, snapshot, digest };
}

async function expectTree(user: StackUser, sessionId: string, tree: Record<string, Buffer>): Promise<void> {
  for (const [p, bytes] of Object.entries(tree)) {
    const got = await readFile(user, sessionId, p);
    expect(got.status, p).toBe(200);
    expect(got.bytes.equals(bytes), `${p} bytes`).toBe(true);
  }
}

describe("snapshots on a real stack", () => {
  it("stop → start restores the persisted tree byte-identical; other paths are disposable", async () => {
    const user = await createStackUser();
    const session = await persistedSession(user, "snap-stop");
    const tree = await writeSampleTree(user, session.id, ROOT);
    await putFile(user, session.id, "outside/scratch.txt", "not persisted");
    const before = await treeDigest(user, session.id, ROOT);

    await sessionAction(user, session.id, "stop");
    const [flush] = await listSnapshots(user, session.id);
    expect(flush).toMatchObject({ kind: "stop", status: "ready", restorePoint: true });
    expect(flush?.sha256).toMatch(/^[0-9a-f]{64}$/);

    // The host kept the folder across the stop (kept-workspace.test.ts); without it the start restores from R2.
    await discardKeptWorkspace(session.id);
    await sessionAction(user, session.id, "start");
    expect(await treeDigest(user, session.id, ROOT)).toBe(before);
    await expectTree(user, session.id, tree);
    expect((await readFile(user, session.id, "outside/scratch.txt")).status).toBe(404);

    // The download is the archive that was verified.
    const content = await api(user, "GET /api/sessions/{sessionId}/snapshots/{snapshotId}/content", {
      params: { sessionId: session.id, snapshotId: String(flush?.id) },
    });
    expect(content.status).toBe(200);
    const { createHash } = await import("node:crypto");
    const bytes = Buffer.from(await content.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(flush?.sha256);
    expect(bytes.byteLength).toBe(flush?.bytes);
  });

  it("idle sleep flushes and a wake restores the tree byte-identical", async () => {
    const user = await createStackUser();
    const session = await persistedSession(user, "snap-sleep", 5);
    const tree = await writeSampleTree(user, session.id, ROOT);
    const before = await treeDigest(user, session.id, ROOT);
    await until(async () => (await getSession(user, session.id)).state === "sleeping", "idle sleep", 60_000);
    const [flush] = await listSnapshots(user, session.id);
    expect(flush).toMatchObject({ kind: "sleep", status: "ready", restorePoint: true });
    await discardKeptWorkspace(session.id);
    // Opening a terminal wakes it; the digest is taken by the woken runtime's shell.
    expect(await treeDigest(user, session.id, ROOT)).toBe(before);
    expect((await getSession(user, session.id)).state).toBe("running");
    await expectTree(user, session.id, tree);
  });

  it("killing the agent mid-upload of a streamed save marks that snapshot failed, removes its object and keeps the previous restore point", async () => {
    const { user, session, tree, snapshot: good, digest: goodDigest } = await sessionWithSavedTree("snap-kill", "good");
    // Saved streamed: the agent built the archive while the Worker uploaded it, at the recorded level.
    const goodContent = await api(user, "GET /api/sessions/{sessionId}/snapshots/{snapshotId}/content", {
      params: { sessionId: session.id, snapshotId: good.id },
    });
    expect(goodContent.headers.get("x-snapshot-encoding")).toBe("gzip;level=1");
    await goodContent.arrayBuffer();
    // Incompressible, so the archive is large and its upload takes a while.
    await shell(user, session.id, `head -c 160000000 /dev/urandom > ${ROOT}/big.bin`);

    const blobsBefore = await r2Blobs();
    const doomed = api(user, "POST /api/sessions/{sessionId}/snapshots", { params: { sessionId: session.id }, body: { label: "doomed" } });
    // An upload is in progress once a new R2 blob exists and has bytes but is not complete.
    const growing = await until(
      async () => {
        for (const [name, size] of await r2Blobs())
          if (!blobsBefore.has(name) && size > 1024 * 1024 && size < 100_000_000) return { name, size };
        return null;
      },
      "an upload in progress",
      90_000,
    );
    await killRuntime(session.id);
    const res = await doomed;
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(growing.size).toBeLessThan(160_000_000);

    const rows = await listSnapshots(user, session.id);
    const failed = rows.find((s) => s.label === "doomed");
    expect(failed).toMatchObject({ status: "failed", bytes: null, sha256: null, restorePoint: false });
    expect(rows.find((s) => s.restorePoint)?.id).toBe(good.id);
    expect(await r2ObjectExists(`snapshots/${user.workspaceId}/${session.id}/${failed?.id}.tar.gz`)).toBe(false);
    expect(await r2ObjectExists(`snapshots/${user.workspaceId}/${session.id}/${good.id}.tar.gz`)).toBe(true);

    await until(async () => (await getSession(user, session.id)).state === "failed", "failed state", 60_000);
    const restarted = await sessionAction(user, session.id, "restart");
    expect(restarted.state).toBe("running");
    expect(await treeDigest(user, session.id, ROOT)).toBe(goodDigest);
    await expectTree(user, session.id, tree);
    expect((await readFile(user, session.id, `${ROOT}/big.bin`)).status).toBe(404);
  });

  it("restoring an older snapshot brings back that point in time; the safety snapshot holds the newer state", async () => {
    const { user, session, tree: v1, snapshot: v1Snapshot, digest: v1Digest } = await sessionWithSavedTree("snap-restore", "v1");

    await putFile(user, session.id, `${ROOT}/a/b/c/d/e/deep.txt`, "changed after v1\n");
    await putFile(user, session.id, `${ROOT}/new in v2.txt`, "added after v1\n");
    await deleteFile(user, session.id, `${ROOT}/.hidden`);
    const v2Digest = await treeDigest(user, session.id, ROOT);
    expect(v2Digest).not.toBe(v1Digest);

    const restore = restoreSnapshotResult.parse(
      await expectOK(
        await api(user, "POST /api/sessions/{sessionId}/snapshots/{snapshotId}/restore", {
          params: { sessionId: session.id, snapshotId: v1Snapshot.id },
        }),
      ),
    );
    // The safety snapshot ships only what changed since the restore point (v1).
    expect(restore.safety).toMatchObject({
      kind: "safety",
      status: "ready",
      restorePoint: false,
      format: "incremental",
      baseId: v1Snapshot.id,
    });
    // The restored state is the new restore point: a crash now restarts from v1, not from the safety copy.
    // Within the session it refers to v1 (an increment that changes nothing) instead of copying its bytes.
    expect(restore.restored).toMatchObject({
      status: "ready",
      format: "incremental",
      baseId: v1Snapshot.id,
      restorePoint: true,
      label: "restore of v1",
    });
    expect(restore.restored.bytes).toBeLessThan(100);
    expect(await treeDigest(user, session.id, ROOT)).toBe(v1Digest);
    await expectTree(user, session.id, v1);
    expect((await readFile(user, session.id, `${ROOT}/new in v2.txt`)).status).toBe(404);

    // The safety snapshot is the newer state: restoring it gives the v2 tree back.
    await expectOK(
      await api(user, "POST /api/sessions/{sessionId}/snapshots/{snapshotId}/restore", {
        params: { sessionId: session.id, snapshotId: restore.safety.id },
      }),
    );
    expect(await treeDigest(user, session.id, ROOT)).toBe(v2Digest);
    expect((await readFile(user, session.id, `${ROOT}/new in v2.txt`)).bytes.toString()).toBe("added after v1\n");
  });

  it("restores a snapshot into a new session that starts from it", async () => {
    const { user, session, tree, snapshot: snap, digest } = await sessionWithSavedTree("snap-source", "seed");
    await putFile(user, session.id, `${ROOT}/after-seed.txt`, "not in the seed");

    const created = restoreIntoNewSessionResult.parse(
      await expectOK(
        await api(user, "POST /api/sessions/{sessionId}/snapshots/{snapshotId}/new-session", {
          params: { sessionId: session.id, snapshotId: snap.id },
          body: { name: "snap-copy" },
        }),
        201,
      ),
    );
    expect(created.session.state).toBe("running");
    expect(await treeDigest(user, created.session.id, ROOT)).toBe(digest);
    await expectTree(user, created.session.id, tree);
    expect((await readFile(user, created.session.id, `${ROOT}/after-seed.txt`)).status).toBe(404);
  });

  it("deleting a snapshot hides it and keeps its object for the retention window (reconcile purges it later)", async () => {
    const user = await createStackUser();
    const session = await persistedSession(user, "snap-delete");
    await putFile(user, session.id, `${ROOT}/x.txt`, "x");
    const snap = await saveSnapshot(user, session.id, "to delete");
    const key = `snapshots/${user.workspaceId}/${session.id}/${snap.id}.tar.gz`;
    expect(await r2ObjectExists(key)).toBe(true);
    await expectOK(
      await api(user, "DELETE /api/sessions/{sessionId}/snapshots/{snapshotId}", {
        params: { sessionId: session.id, snapshotId: snap.id },
      }),
    );
    // Recoverable delete: test/stack/reconcile.test.ts and api/test/reconcile/reconcile.test.ts cover the purge.
    expect(await r2ObjectExists(key)).toBe(true);
    expect((await listSnapshots(user, session.id)).some((s) => s.id === snap.id)).toBe(false);
  });
});
