import type { SessionState } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { notFound } from "../lib/errors";

export interface SnapshotSession {
  id: string;
  workspaceId: string;
  ownerId: string;
  name: string;
  state: SessionState;
}

/** A live session of the caller's workspace; another workspace's, or a deleted one, answers 404. */
export async function requireSnapshotSession(env: AppBindings, workspaceId: string, id: string): Promise<SnapshotSession> {
  const row = await env.DB.prepare(
    "SELECT id, workspace_id, owner_id, name, state FROM sessions WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL",
  )
    .bind(id, workspaceId)
    .first<{ id: string; workspace_id: string; owner_id: string; name: string; state: SessionState }>();
  if (!row) throw notFound("session");
  return { id: row.id, workspaceId: row.workspace_id, ownerId: row.owner_id, name: row.name, state: row.state };
}
