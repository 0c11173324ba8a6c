import type { AppBindings } from "../env";
import { recordUsage } from "../workspaces/usage";

/**
 * Sets today's snapshot_bytes gauge for the session owner: the bytes of every ready snapshot of
 * that owner's sessions in the workspace. Called after a snapshot is stored or removed.
 */
export async function recordSnapshotBytes(env: AppBindings, sessionId: string): Promise<void> {
  const owner = await env.DB.prepare("SELECT workspace_id, owner_id FROM sessions WHERE id = ?")
    .bind(sessionId)
    .first<{ workspace_id: string; owner_id: string }>();
  if (!owner) return;
  const row = await env.DB.prepare(
    `SELECT COALESCE(SUM(sn.bytes), 0) AS total FROM snapshots sn JOIN sessions s ON s.id = sn.session_id
     WHERE s.workspace_id = ? AND s.owner_id = ? AND sn.status = 'ready' AND sn.deleted_at IS NULL`,
  )
    .bind(owner.workspace_id, owner.owner_id)
    .first<{ total: number }>();
  await recordUsage(env, { workspaceId: owner.workspace_id, userId: owner.owner_id, metric: "snapshot_bytes", value: row?.total ?? 0 });
}
