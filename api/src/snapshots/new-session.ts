import { ApiError } from "../../../sdk/errors";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { notFound } from "../lib/errors";
import { now } from "../lib/time";
import { getSessionRowById, insertSession, sessionConfig } from "../sessions/records";
import { publishSessionChange } from "../sessions/workspace-events";
import { assertQuota } from "../workspaces/quotas";
import { copySnapshot } from "./actions";
import type { SnapshotRecord } from "./records";

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
  const source = await getSessionRowById(env, opts.snapshot.sessionId);
  if (!source || source.workspace_id !== opts.workspaceId) throw notFound("session");
  await assertQuota(env, opts.workspaceId, "totalSessions");
  if (opts.start) await assertQuota(env, opts.workspaceId, "runningSessions");
  const id = newId("ses");
  const inserted = await insertSession(env, {
    id,
    workspaceId: opts.workspaceId,
    ownerId: opts.ownerId,
    name: opts.name,
    templateId: source.template_id,
    versionId: source.version_id,
    startOnIntent: false,
    config: sessionConfig(source),
    at: now(),
  });
  if (!inserted) throw new ApiError("conflict", `a session named ${opts.name} already exists`);
  try {
    const copy = await copySnapshot(
      env,
      opts.snapshot,
      { id, workspaceId: opts.workspaceId },
      {
        kind: "manual",
        label: `from ${source.name}: ${opts.snapshot.label ?? opts.snapshot.id}`.slice(0, 120),
        createdBy: opts.ownerId,
      },
    );
    // Open lists learn of it only once it is whole (a failed copy removes it again).
    await publishSessionChange(env, opts.workspaceId, {
      sessionId: id,
      state: "created",
      stateVersion: 0,
      phase: null,
      failureReason: null,
    });
    return { sessionId: id, snapshot: copy };
  } catch (err) {
    const at = now();
    await env.DB.prepare("UPDATE sessions SET state = 'deleted', deleted_at = ?, updated_at = ? WHERE id = ?").bind(at, at, id).run();
    throw err;
  }
}
