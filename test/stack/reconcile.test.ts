import { reconcileResultSchema, restoreResultSchema } from "@burstflare/sdk/schemas/admin";
import { seededDeletedAgeSchema } from "@burstflare/sdk/schemas/seed";
import type { Snapshot } from "@burstflare/sdk/schemas/snapshots";
import { describe, expect, it } from "vitest";
import { api, expectOK, getSession, sessionAction } from "./helpers/api";
import { putFile, r2ObjectExists, readFile } from "./helpers/snapshot-tree";
import { saveSnapshot } from "./helpers/snapshots";
import { createSessionWithManifest } from "./helpers/templates";
import { createStackUser, type StackUser, seedClient, stackOperator } from "./helpers/users";

const ROOT = "work";

const operator = async () => stackOperator();

async function runningSession(user: StackUser, name: string) {
  const session = await createSessionWithManifest(user, { persistedPaths: [ROOT] }, { name });
  expect(session.state).toBe("running");
  return session;
}

async function reconcile(op: StackUser, preview: boolean) {
  return reconcileResultSchema.parse(await expectOK(await api(op, "POST /api/admin/reconcile", preview ? { query: { preview: 1 } } : {})));
}

describe("reconcile and restore on the stack (operator HTTP, real agents, local R2)", () => {
  let op: StackUser;

  it("restores a deleted running session: its final snapshot comes back on start", async () => {
    op = await operator();
    const user = await createStackUser();
    const session = await runningSession(user, "restore-me");
    await putFile(user, session.id, `${ROOT}/kept.txt`, "still here");
    await expectOK(await api(user, "DELETE /api/sessions/{sessionId}", { params: { sessionId: session.id } }));
    expect((await api(user, "GET /api/sessions/{sessionId}", { params: { sessionId: session.id } })).status).toBe(404);

    const restored = restoreResultSchema.parse(
      await expectOK(await api(op, "POST /api/admin/restore", { body: { kind: "session", id: session.id } })),
    );
    expect(restored).toMatchObject({ kind: "session", workspaceId: user.workspaceId });
    expect((await getSession(user, session.id)).state).toBe("stopped");
    expect((await sessionAction(user, session.id, "start")).state).toBe("running");
    const file = await readFile(user, session.id, `${ROOT}/kept.txt`);
    expect(file.bytes.toString()).toBe("still here");
    await expectOK(await api(user, "DELETE /api/sessions/{sessionId}", { params: { sessionId: session.id } }));
  });

  it("purges a deleted snapshot's object once its row is past the window; preview first changes nothing", async () => {
    op ??= await operator();
    const user = await createStackUser();
    const session = await runningSession(user, "purge-me");
    await putFile(user, session.id, `${ROOT}/x.txt`, "x");
    const snap: Snapshot = await saveSnapshot(user, session.id, "to purge");
    const key = `snapshots/${user.workspaceId}/${session.id}/${snap.id}.tar.gz`;
    await expectOK(
      await api(user, "DELETE /api/sessions/{sessionId}/snapshots/{snapshotId}", {
        params: { sessionId: session.id, snapshotId: snap.id },
      }),
    );
    expect(await r2ObjectExists(key)).toBe(true);
    // Eight days ago: past the default seven-day window, which a test cannot wait out (the operator's seeding route).
    await seedClient().call("POST /api/admin/seed/deleted-age", {
      body: { kind: "snapshot", id: snap.id, deletedDaysAgo: 8 },
      schema: seededDeletedAgeSchema,
    });

    const preview = await reconcile(op, true);
    expect(preview.actions.find((a) => a.targetId === snap.id)).toMatchObject({ kind: "snapshot_purge", outcome: "planned" });
    expect(await r2ObjectExists(key)).toBe(true);

    const run = await reconcile(op, false);
    expect(run.actions.find((a) => a.targetId === snap.id)).toMatchObject({ kind: "snapshot_purge", outcome: "done" });
    expect(await r2ObjectExists(key)).toBe(false);
    expect((await api(op, "POST /api/admin/restore", { body: { kind: "snapshot", id: snap.id } })).status).toBe(404);

    const again = await reconcile(op, false);
    expect(again.actions.filter((a) => a.targetId === snap.id || a.targetId === session.id)).toEqual([
      expect.objectContaining({ kind: "session_check_idle", outcome: "noop" }),
    ]);
    await expectOK(await api(user, "DELETE /api/sessions/{sessionId}", { params: { sessionId: session.id } }));
  });
});
