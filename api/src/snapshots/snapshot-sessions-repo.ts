import { type Session, sessionSchema } from "@burstflare/sdk/schemas/sessions";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

/** What the snapshot routes need of a session: which workspace and owner it has, its state. */
export type SnapshotSession = Pick<Session, "id" | "workspaceId" | "ownerId" | "name" | "state">;

/** Whose a session is. */
export type SessionOwner = Pick<Session, "workspaceId" | "ownerId">;

const sessionRow = rowOf(sessionSchema.pick({ id: true, workspaceId: true, ownerId: true, name: true, state: true }));

const ownerRow = rowOf(sessionSchema.pick({ workspaceId: true, ownerId: true }));

/** A live session of the workspace; another workspace's, or a deleted one, is null. */
export function findLiveWorkspaceSession(db: Db, workspaceId: string, id: string): Promise<SnapshotSession | null> {
  return db.one(
    sessionRow,
    "SELECT id, workspace_id, owner_id, name, state FROM sessions WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL",
    id,
    workspaceId,
  );
}

/** Whose a session is, deleted or not (snapshot bytes are counted for its owner). */
export function findSnapshotSessionOwner(db: Db, sessionId: string): Promise<SessionOwner | null> {
  return db.one(ownerRow, "SELECT workspace_id, owner_id FROM sessions WHERE id = ?", sessionId);
}

/** A session made like another (fork, restore into new) that failed before it was ready goes away. */
export async function markUnfinishedSessionDeleted(db: Db, id: string, at: number): Promise<void> {
  await db.run("UPDATE sessions SET state = 'deleted', deleted_at = ?, updated_at = ? WHERE id = ?", at, at, id);
}
