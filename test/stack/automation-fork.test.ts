import { forkResponseSchema } from "@burstflare/sdk/schemas/automation";
import { describe, expect, it } from "vitest";
import { api, createSession, expectOK } from "./helpers/api";
import { treeDigest, writeSampleTree } from "./helpers/snapshot-tree";
import { createSessionWithManifest } from "./helpers/templates";
import { createStackUser, type StackUser } from "./helpers/users";

const ROOT = "work";

describe("POST /api/sessions/:id/fork", () => {
  it("starts a new session with the running session's persisted tree byte-identical; the source runs on", async () => {
    const owner = await createStackUser();
    const source = await createSessionWithManifest(owner, { persistedPaths: [ROOT] }, { name: "fork-src" });
    await writeSampleTree(owner, source.id, ROOT);
    const before = await treeDigest(owner, source.id, ROOT);

    const fork = forkResponseSchema.parse(
      await expectOK(
        await api(owner, "POST /api/sessions/{sessionId}/fork", { params: { sessionId: source.id }, body: { name: "fork-dst" } }),
        201,
      ),
    );
    expect(fork.session.name).toBe("fork-dst");
    expect(fork.session.state).toBe("running");
    expect(fork.session.id).not.toBe(source.id);
    console.log(`fork of a ${ROOT}/ tree (~530 KB): ${fork.durationMs} ms`);
    expect(await treeDigest(owner, fork.session.id, ROOT)).toBe(before);
    // The snapshot is taken straight into the fork as its restore point (no copy); the source's list is untouched.
    const listed = async (id: string) =>
      (
        (await expectOK(await api(owner, "GET /api/sessions/{sessionId}/snapshots", { params: { sessionId: id } }))) as {
          snapshots: { id: string }[];
        }
      ).snapshots.map((s) => s.id);
    expect(await listed(fork.session.id)).toEqual([fork.snapshotId]);
    expect(await listed(source.id)).not.toContain(fork.snapshotId);
    // The branches are independent: a change in the fork does not reach the source.
    const changed = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/exec", {
        params: { sessionId: fork.session.id },
        body: { command: `echo branch > ${ROOT}/empty.txt` },
      }),
    )) as { exitCode: number };
    expect(changed.exitCode).toBe(0);
    expect(await treeDigest(owner, source.id, ROOT)).toBe(before);
  });

  it("refuses viewers (403), other workspaces (404), stopped sessions (409) and taken names (409)", async () => {
    const owner = await createStackUser();
    const running = await createSession(owner, { name: "fork-a" });
    const stopped = await createSession(owner, { name: "fork-b", start: false });
    const viewer = await createStackUser({ workspaceId: owner.workspaceId, role: "viewer" });
    const stranger = await createStackUser();
    const fork = (user: StackUser, sessionId: string, name: string) =>
      api(user, "POST /api/sessions/{sessionId}/fork", { params: { sessionId }, body: { name } });
    expect((await fork(viewer, running.id, "x")).status).toBe(403);
    expect((await fork(stranger, running.id, "x")).status).toBe(404);
    expect((await fork(owner, stopped.id, "x")).status).toBe(409);
    expect((await fork(owner, running.id, "fork-b")).status).toBe(409);
    expect((await fork(owner, running.id, "Not Valid")).status).toBe(400);
  });
});
