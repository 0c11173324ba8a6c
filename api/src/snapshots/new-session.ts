import type { AppBindings } from "../env";
import { copySnapshot } from "./actions";
import type { SnapshotRecord } from "./records";
import { createSessionLike } from "./session-like";

/**
 * Creates a session with the same template version and runtime config as the snapshot's session
 * and gives it a verified copy of the snapshot as its restore point, so its first start restores
 * that snapshot through the ordinary boot path (artifact → latest ready snapshot → bootstrap).
 * If the copy fails the new session is removed again: no half-made session is left behind.
 * Works for snapshots of deleted sessions too, which is how a deleted session is brought back.
 */
export async function createSessionFromSnapshot(
  env: AppBindings,
  opts: { workspaceId: string; ownerId: string; name: string; snapshot: SnapshotRecord; start: boolean },
): Promise<{ sessionId: string; snapshot: SnapshotRecord }> {
  // The source may have been deleted since: its snapshots outlive it, and so does its config.
  return createSessionLike(env, { ...opts, sourceId: opts.snapshot.sessionId }, (target, source) =>
    copySnapshot(env, opts.snapshot, target, {
      kind: "manual",
      label: `from ${source.name}: ${opts.snapshot.label ?? opts.snapshot.id}`.slice(0, 120),
      createdBy: opts.ownerId,
    }),
  );
}
