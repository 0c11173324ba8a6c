import type { Session } from "@burstflare/sdk/schemas/sessions";
import { SESSION_STATES } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";

/** What the snapshot routes need of a session: which workspace and owner it has, its state. */
export type SnapshotSession = Pick<Session, "id" | "workspaceId" | "ownerId" | "name" | "state">;

/** Whose a session is. */
export type SessionOwner = Pick<Session, "workspaceId" | "ownerId">;

const sessionRow = z
  .object({ id: z.string(), workspace_id: z.string(), owner_id: z.string(), name: z.string(), state: z.enum(SESSION_STATES) })
  .transform((r): SnapshotSession => ({ id: r.id, workspaceId: r.workspace_id, ownerId: r.owner_id, name: r.name, state: r.state }));

const ownerRow = z
  .object({ workspace_id: z.string(), owner_id: z.string() })
  .transform((r): SessionOwner => ({ workspaceId: r.workspace_id, ownerId: r.owner_id }));

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
