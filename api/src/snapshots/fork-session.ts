import type { AppBindings } from "../env";
import { runningAgent } from "./agent";
import type { SnapshotRecord } from "./records";
import { createSessionLike } from "./session-like";
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
  return createSessionLike(env, { ...opts, start: true }, (target, source) =>
    saveSnapshot(env, {
      session: target,
      kind: "manual",
      label: `fork of ${source.name}`.slice(0, 120),
      createdBy: opts.ownerId,
      fetchAgent: runningAgent(env, source.id),
      // Compression was most of a fork's time (200 MB: ~8 s of the snapshot's ~14 s locally).
      uncompressed: true,
    }),
  );
}
