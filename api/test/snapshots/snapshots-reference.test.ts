import { env } from "cloudflare:workers";
import { snapshotSchema } from "@burstflare/sdk/schemas/snapshots";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { runReconcile } from "../../src/reconcile/run";
import { manifestKey } from "../../src/snapshots/records";
import { insertReadySnapshot, insertTestSession } from "../helpers/snapshots";
import { call, createTestUser } from "../helpers/users";

const MANIFEST = { version: 1, entries: [{ p: "work", t: "d", s: 0, m: "1", mode: 0o755 }], format: "full", baseId: null, deleted: [] };

describe("restore within a session refers to the snapshot instead of copying it", () => {
  it("the new restore point is an empty increment over the chosen snapshot, which reconcile keeps while it is referred to", async () => {
    const user = await createTestUser();
    const sessionId = await insertTestSession(user.workspaceId, user.userId);
    const t = Date.now();
    const old = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "manual", label: "v1", createdAt: t - 5000 });
    await env.BUCKET.put(manifestKey(old.key), JSON.stringify(MANIFEST));
    await insertReadySnapshot(user.workspaceId, sessionId, { kind: "stop", createdAt: t - 1000 });

    const res = await call("POST", `/api/sessions/${sessionId}/snapshots/${old.id}/restore`, { user });
    expect(res.status).toBe(200);
    const restored = snapshotSchema.parse(((await res.json()) as { restored: unknown }).restored);
    expect(restored).toMatchObject({ status: "ready", format: "incremental", baseId: old.id, restorePoint: true, label: "restore of v1" });
    const key = `snapshots/${user.workspaceId}/${sessionId}/${restored.id}.tar.gz`;
    const object = await env.BUCKET.get(key);
    const bytes = await object!.arrayBuffer();
    expect(bytes.byteLength).toBe(restored.bytes);
    expect(await sha256Hex(bytes)).toBe(restored.sha256);
    // An empty tar: 1024 zero bytes once gunzipped.
    const plain = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
    expect(new Uint8Array(plain)).toEqual(new Uint8Array(1024));
    const manifest = await (await env.BUCKET.get(manifestKey(key)))!.json<Record<string, unknown>>();
    expect(manifest).toMatchObject({ format: "incremental", baseId: old.id, deleted: [], entries: MANIFEST.entries });

    // Deleting the referred snapshot hides it, but its object stays while the restore point needs it.
    expect((await call("DELETE", `/api/sessions/${sessionId}/snapshots/${old.id}`, { user })).status).toBe(200);
    await runReconcile(env, { policy: { deletedRetentionMs: 0 } });
    expect(await env.BUCKET.head(old.key)).not.toBeNull();
  });

  it("a snapshot without a manifest (older agents) is still copied byte for byte", async () => {
    const user = await createTestUser();
    const sessionId = await insertTestSession(user.workspaceId, user.userId);
    const old = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "manual", label: "v0", createdAt: Date.now() - 5000 });
    await insertReadySnapshot(user.workspaceId, sessionId, { kind: "stop", createdAt: Date.now() - 1000 });
    const res = await call("POST", `/api/sessions/${sessionId}/snapshots/${old.id}/restore`, { user });
    const restored = snapshotSchema.parse(((await res.json()) as { restored: unknown }).restored);
    expect(restored).toMatchObject({ format: "full", baseId: null, sha256: old.sha256 });
  });
});
