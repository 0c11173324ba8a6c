import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { notFound } from "../lib/errors";
import { now } from "../lib/time";
import { getSessionById, insertSession, type SessionRecord } from "../sessions/records";
import { publishSessionChange } from "../sessions/workspace-events";
import { assertQuota } from "../workspaces/quotas";
import type { SnapshotRecord } from "./records";
import { markUnfinishedSessionDeleted } from "./snapshot-sessions-repo";

interface SessionLikeOptions {
  workspaceId: string;
  ownerId: string;
  name: string;
  /** The session whose template version and runtime config the new one takes (it may be deleted). */
  sourceId: string;
  /** Whether it will be started at once (the running-sessions quota applies). */
  start: boolean;
}

/**
 * A new session like another, whose restore point `restorePoint` makes. Its first start restores
 * that snapshot through the ordinary boot path. Open lists learn of it only once it is whole: if
 * the restore point fails, the new session is removed again and nothing half-made is left.
 */
export async function createSessionLike(
  env: AppBindings,
  opts: SessionLikeOptions,
  restorePoint: (target: { id: string; workspaceId: string }, source: SessionRecord) => Promise<SnapshotRecord>,
): Promise<{ sessionId: string; snapshot: SnapshotRecord }> {
  const source = await getSessionById(env, opts.sourceId);
  if (!source || source.workspaceId !== opts.workspaceId) throw notFound("session");
  await assertQuota(env, opts.workspaceId, "totalSessions");
  if (opts.start) await assertQuota(env, opts.workspaceId, "runningSessions");
  const id = newId("ses");
  await insertSession(env, {
    id,
    workspaceId: opts.workspaceId,
    ownerId: opts.ownerId,
    name: opts.name,
    templateId: source.templateId,
    versionId: source.versionId,
    // A deleted session is brought back this way after its template may have been deleted too.
    requireLiveTemplate: false,
    startOnIntent: false,
    config: source.config,
    at: now(),
  });
  try {
    const snapshot = await restorePoint({ id, workspaceId: opts.workspaceId }, source);
    await publishSessionChange(env, opts.workspaceId, {
      sessionId: id,
      state: "created",
      stateVersion: 0,
      phase: null,
      failureReason: null,
    });
    return { sessionId: id, snapshot };
  } catch (err) {
    const at = now();
    await markUnfinishedSessionDeleted(dbOf(env), id, at);
    throw err;
  }
}
