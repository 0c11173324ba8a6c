import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { recordUsage } from "../workspaces/usage";
import { findSnapshotSessionOwner } from "./snapshot-sessions-repo";
import { sumOwnerSnapshotBytes } from "./snapshots-repo";

/**
 * Sets today's snapshot_bytes gauge for the session owner: the bytes of every ready snapshot of
 * that owner's sessions in the workspace. Called after a snapshot is stored or removed.
 */
export async function recordSnapshotBytes(env: AppBindings, sessionId: string): Promise<void> {
  const db = dbOf(env);
  const owner = await findSnapshotSessionOwner(db, sessionId);
  if (!owner) return;
  const total = await sumOwnerSnapshotBytes(db, owner.workspaceId, owner.ownerId);
  await recordUsage(env, { workspaceId: owner.workspaceId, userId: owner.ownerId, metric: "snapshot_bytes", value: total });
}
