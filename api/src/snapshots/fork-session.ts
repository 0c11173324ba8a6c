import { ApiError } from "../../../sdk/errors";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { notFound } from "../lib/errors";
import { now } from "../lib/time";
import { getSessionRowById, insertSession, sessionConfig } from "../sessions/records";
import { publishSessionChange } from "../sessions/workspace-events";
import { assertQuota } from "../workspaces/quotas";
import { runningAgent } from "./agent";
import type { SnapshotRecord } from "./records";
import { saveSnapshot } from "./store";

/**
 * A fork's new session and its restore point, made in one pass: the running source's archive is
 * streamed straight into the new session's snapshot. "Restore into a new session"
 * (./new-session.ts) copies an existing snapshot object instead; for a fork that copy was a
 * second full pass over the archive in R2 (as long as taking the snapshot itself, 200 MB → ~13 s
 * locally) for a snapshot nobody else uses. The new session starts through the ordinary boot
 * path (latest ready snapshot), as one made from a snapshot does. If the snapshot fails, the new
 * session is removed again.
 */
export async function forkSession(
  env: AppBindings,
  opts: { workspaceId: string; ownerId: string; name: string; sourceId: string },
): Promise<{ sessionId: string; snapshot: SnapshotRecord }> {
  const source = await getSessionRowById(env, opts.sourceId);
  if (!source || source.workspace_id !== opts.workspaceId) throw notFound("session");
  await assertQuota(env, opts.workspaceId, "totalSessions");
  await assertQuota(env, opts.workspaceId, "runningSessions");
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
    const snapshot = await saveSnapshot(env, {
      session: { id, workspaceId: opts.workspaceId },
      kind: "manual",
      label: `fork of ${source.name}`.slice(0, 120),
      createdBy: opts.ownerId,
      fetchAgent: runningAgent(env, source.id),
      // Compression was most of a fork's time (200 MB: ~8 s of the snapshot's ~14 s locally).
      uncompressed: true,
    });
    // Open lists learn of it only once it is whole (a failed snapshot removes it again).
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
    await env.DB.prepare("UPDATE sessions SET state = 'deleted', deleted_at = ?, updated_at = ? WHERE id = ?").bind(at, at, id).run();
    throw err;
  }
}
