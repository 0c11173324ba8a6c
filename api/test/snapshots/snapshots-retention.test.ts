import { env } from "cloudflare:workers";
import type { SnapshotKind } from "@burstflare/sdk/states";
import { describe, expect, it } from "vitest";
import { listSnapshots } from "../../src/snapshots/records";
import { applyRetention } from "../../src/snapshots/retention";
import { insertReadySnapshot, insertTestSession } from "../helpers/snapshots";
import { createTestUser } from "../helpers/users";

describe("snapshot retention", () => {
  it("keeps the newest N automatic snapshots plus every manual and labelled one, and removes expired objects", async () => {
    const user = await createTestUser();
    const sessionId = await insertTestSession(user.workspaceId, user.userId);
    const t = Date.now() - 100_000;
    const made: { id: string; key: string; kind: SnapshotKind; label: string | null }[] = [];
    const plan: [SnapshotKind, string | null][] = [
      ["manual", null],
      ["autosave", "keep me"],
      ["autosave", null],
      ["stop", null],
      ["autosave", null],
      ["sleep", null],
      ["autosave", null],
      ["autosave", null],
      ["autosave", null],
      ["autosave", null],
    ];
    for (const [i, [kind, label]] of plan.entries()) {
      const s = await insertReadySnapshot(user.workspaceId, sessionId, { kind, label, createdAt: t + i * 1000 });
      made.push({ ...s, kind, label });
    }
    // Default keep: 5 unlabelled automatic snapshots.
    const removed = await applyRetention(env, sessionId);
    const automaticUnlabelled = made.filter((s) => s.kind !== "manual" && s.label === null);
    const expectedGone = automaticUnlabelled.slice(0, automaticUnlabelled.length - 5).map((s) => s.id);
    expect(removed.map((s) => s.id).sort()).toEqual(expectedGone.sort());
    for (const s of made) {
      const present = (await env.BUCKET.head(s.key)) !== null;
      expect(present, `${s.kind} ${s.label}`).toBe(!expectedGone.includes(s.id));
    }
    const left = (await listSnapshots(env, sessionId)).map((s) => s.id);
    expect(left).toContain(made[0]?.id);
    expect(left).toContain(made[1]?.id);
    expect(left).toHaveLength(made.length - expectedGone.length);
  });

  it("never removes the restore point or a pending upload", async () => {
    const user = await createTestUser();
    const sessionId = await insertTestSession(user.workspaceId, user.userId);
    const t = Date.now() - 100_000;
    for (let i = 0; i < 7; i++) await insertReadySnapshot(user.workspaceId, sessionId, { kind: "autosave", createdAt: t + i * 1000 });
    const pending = await insertReadySnapshot(user.workspaceId, sessionId, { kind: "autosave", status: "pending", createdAt: t + 10_000 });
    for (let i = 0; i < 8; i++)
      await insertReadySnapshot(user.workspaceId, sessionId, { kind: "autosave", status: "failed", createdAt: t + 11_000 + i });
    await applyRetention(env, sessionId);
    const left = await listSnapshots(env, sessionId);
    expect(left.filter((s) => s.status === "ready")).toHaveLength(5);
    expect(left.some((s) => s.id === pending.id)).toBe(true);
    expect(left.filter((s) => s.status === "failed")).toHaveLength(5);
    const newestReady = left.find((s) => s.status === "ready");
    expect(newestReady?.createdAt).toBe(t + 6000);
  });
});
