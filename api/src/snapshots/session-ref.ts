import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { notFound } from "../lib/errors";
import { findLiveWorkspaceSession, type SnapshotSession } from "./snapshot-sessions-repo";

/** A live session of the caller's workspace; another workspace's, or a deleted one, answers 404. */
export async function requireSnapshotSession(env: AppBindings, workspaceId: string, id: string): Promise<SnapshotSession> {
  const session = await findLiveWorkspaceSession(dbOf(env), workspaceId, id);
  if (!session) throw notFound("session");
  return session;
}
