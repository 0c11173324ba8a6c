import type { Snapshot } from "@burstflare/sdk/schemas/snapshots";
import { describe, expect, it } from "vitest";
import { api, getSession, sessionAction, until } from "./helpers/api";
import { discardKeptWorkspace, killRuntime } from "./helpers/runtime-host";
import { putFile, r2Blobs, r2ObjectExists, readFile, shell, treeDigest, writeSampleTree } from "./helpers/snapshot-tree";
import { listSnapshots, saveSnapshot } from "./helpers/snapshots";
import { createSessionWithManifest } from "./helpers/templates";
import { createStackUser, type StackUser } from "./helpers/users";

const ROOT = "work";

/** Bytes of the archive R2 holds for a snapshot, as downloaded (the stored object). */
async function storedBytes(user: StackUser, sessionId: string, snapshotId: string): Promise<number> {
  const res = await api(user, "GET /api/sessions/{sessionId}/snapshots/{snapshotId}/content", { params: { sessionId, snapshotId } });
  expect(res.status).toBe(200);
  return (await res.arrayBuffer()).byteLength;
}

/** Stops the session (its flush is the snapshot under test) and returns that flush. */
async function stopAndFlush(user: StackUser, sessionId: string): Promise<Snapshot> {
  await sessionAction(user, sessionId, "stop");
  const [flush] = await listSnapshots(user, sessionId);
  expect(flush).toMatchObject({ kind: "stop", status: "ready", restorePoint: true });
  return flush as Snapshot;
}

describe("incremental snapshots on a real stack", () => {
  it("a chain (full base + increments) restores byte-identical trees; an increment after a small change holds kilobytes", async () => {
    const user = await createStackUser();
    const session = await createSessionWithManifest(user, { persistedPaths: [ROOT] }, { name: "snap-chain" });
    // Binary, empty, unicode names, an empty dir, a symlink and an exec bit (writeSampleTree);
    // 3 MB of random bytes so the base is far larger than any increment.
    await writeSampleTree(user, session.id, ROOT);
    await shell(
      user,
      session.id,
      `head -c 3000000 /dev/urandom > ${ROOT}/big.bin && mkdir -p ${ROOT}/gone-dir/sub && echo x > ${ROOT}/gone-dir/sub/f`,
    );
    const base = await saveSnapshot(user, session.id, "base");
    expect(base).toMatchObject({ format: "full", baseId: null, encoding: "gzip;level=1" });
    expect(base.bytes).toBeGreaterThan(3_000_000);

    // Between snapshots: a changed file, a new file, a deleted file, a deleted directory, a mode change.
    await putFile(user, session.id, `${ROOT}/a/b/c/d/e/deep.txt`, "changed after the base\n");
    await putFile(user, session.id, `${ROOT}/ünïcødé/neu ✓.txt`, "added after the base\n");
    await shell(user, session.id, `rm ${ROOT}/.hidden && rm -r ${ROOT}/gone-dir && chmod 700 ${ROOT}/-leading-dash.txt`);
    const digest1 = await treeDigest(user, session.id, ROOT);
    const inc1 = await stopAndFlush(user, session.id);
    expect(inc1).toMatchObject({ format: "incremental", baseId: base.id });
    // Kilobytes, not the tree: the stored archive holds only the changed entries.
    expect(await storedBytes(user, session.id, inc1.id)).toBe(inc1.bytes);
    expect(inc1.bytes).toBeLessThan(16 * 1024);

    // Without the folder the host kept across the stop, the start unpacks the whole chain from R2.
    await discardKeptWorkspace(session.id);
    await sessionAction(user, session.id, "start");
    expect(await treeDigest(user, session.id, ROOT)).toBe(digest1);
    expect((await readFile(user, session.id, `${ROOT}/.hidden`)).status).toBe(404);
    expect((await readFile(user, session.id, `${ROOT}/gone-dir/sub/f`)).status).toBe(404);

    // A second increment over the first; a file turns into a directory, a link is re-pointed.
    await shell(
      user,
      session.id,
      `rm ${ROOT}/empty.txt && mkdir ${ROOT}/empty.txt && echo inside > ${ROOT}/empty.txt/now-a-dir && ln -sfn ../run.sh ${ROOT}/a/link && printf 'x' >> ${ROOT}/random.bin`,
    );
    const digest2 = await treeDigest(user, session.id, ROOT);
    expect(digest2).not.toBe(digest1);
    const inc2 = await stopAndFlush(user, session.id);
    expect(inc2).toMatchObject({ format: "incremental", baseId: inc1.id });
    expect(inc2.bytes).toBeLessThan(1024 * 1024);

    await discardKeptWorkspace(session.id);
    await sessionAction(user, session.id, "start");
    expect(await treeDigest(user, session.id, ROOT)).toBe(digest2);
    expect((await readFile(user, session.id, `${ROOT}/empty.txt/now-a-dir`)).bytes.toString()).toBe("inside\n");

    // The chain stays whole: the base and the first increment are still stored.
    expect(await r2ObjectExists(`snapshots/${user.workspaceId}/${session.id}/${base.id}.tar.gz`)).toBe(true);
    expect(await r2ObjectExists(`snapshots/${user.workspaceId}/${session.id}/${inc1.id}.manifest.json`)).toBe(true);
  });

  it("a woken session sleeps again when idle; that sleep flush is an increment of kilobytes and the next wake restores the chain", async () => {
    const user = await createStackUser();
    const session = await createSessionWithManifest(user, { persistedPaths: [ROOT], idleTimeoutSeconds: 5 }, { name: "snap-chain-sleep" });
    await shell(user, session.id, `mkdir -p ${ROOT} && head -c 2000000 /dev/urandom > ${ROOT}/big.bin`);
    await until(async () => (await getSession(user, session.id)).state === "sleeping", "first idle sleep", 60_000);
    const [first] = await listSnapshots(user, session.id);
    expect(first).toMatchObject({ kind: "sleep", format: "full" });

    // The terminal wakes it; after the change and the terminal closing it must fall asleep again.
    await shell(user, session.id, `echo small > ${ROOT}/small.txt`);
    const digest = await treeDigest(user, session.id, ROOT);
    await until(async () => (await getSession(user, session.id)).state === "sleeping", "idle sleep after a wake", 60_000);
    const [second] = await listSnapshots(user, session.id);
    expect(second).toMatchObject({ kind: "sleep", format: "incremental", baseId: first?.id });
    expect(second?.bytes).toBeLessThan(16 * 1024);
    await discardKeptWorkspace(session.id);
    expect(await treeDigest(user, session.id, ROOT)).toBe(digest);
  });

  it("killing the agent mid-upload of an incremental save keeps the previous restore point", async () => {
    const user = await createStackUser();
    const session = await createSessionWithManifest(user, { persistedPaths: [ROOT] }, { name: "snap-chain-kill" });
    await writeSampleTree(user, session.id, ROOT);
    const base = await saveSnapshot(user, session.id, "base");
    await putFile(user, session.id, `${ROOT}/small.txt`, "a small change\n");
    const goodDigest = await treeDigest(user, session.id, ROOT);
    const inc = await stopAndFlush(user, session.id);
    expect(inc).toMatchObject({ format: "incremental", baseId: base.id });
    await sessionAction(user, session.id, "start");

    // Incompressible, so the increment is large and its upload takes a while.
    await shell(user, session.id, `head -c 160000000 /dev/urandom > ${ROOT}/big.bin`);
    const blobsBefore = await r2Blobs();
    const doomed = sessionAction(user, session.id, "stop").catch((err: unknown) => err);
    await until(
      async () => {
        for (const [name, size] of await r2Blobs()) if (!blobsBefore.has(name) && size > 1024 * 1024 && size < 100_000_000) return true;
        return null;
      },
      "an incremental upload in progress",
      90_000,
    );
    await killRuntime(session.id);
    await doomed;

    const rows = await listSnapshots(user, session.id);
    const failed = rows.find((s) => s.status === "failed");
    expect(failed).toBeDefined();
    expect(await r2ObjectExists(`snapshots/${user.workspaceId}/${session.id}/${failed?.id}.tar.gz`)).toBe(false);
    expect(rows.find((s) => s.restorePoint)?.id).toBe(inc.id);

    await until(async () => ["failed", "stopped"].includes((await getSession(user, session.id)).state), "stop settled", 60_000);
    const state = (await getSession(user, session.id)).state;
    const started = await sessionAction(user, session.id, state === "failed" ? "restart" : "start");
    expect(started.state).toBe("running");
    expect(await treeDigest(user, session.id, ROOT)).toBe(goodDigest);
    expect((await readFile(user, session.id, `${ROOT}/big.bin`)).status).toBe(404);
  });
});
