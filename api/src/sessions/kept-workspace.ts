import { keepWorkspaceBody } from "@burstflare/sdk/protocol/runtime-host";
import { log } from "../lib/log";
import { manifestKey, type SnapshotRecord } from "../snapshots/records";
import type { SessionCore } from "./core";
import { getSessionById } from "./records";

/**
 * After a stop or sleep flush and the runtime's stop: asks a driver that can keep disk (the local
 * one) to keep the workspace folder for the next start, sealed for the snapshot just saved. The host
 * seals it only if the folder equals that snapshot's manifest (runtime/src/host/kept-workspace.ts);
 * the next boot then skips the restore. Never fails the stop: without a seal the next boot restores
 * from R2 as always.
 */
export async function keepAfterStop(core: SessionCore, saved: SnapshotRecord): Promise<void> {
  const driver = core.driver;
  if (!driver.keep) return;
  const sessionId = core.current.sessionId;
  try {
    const row = await getSessionById(core.env, sessionId);
    if (!row) return;
    const persistedPaths = row.config.manifest.persistedPaths;
    const object = await core.env.BUCKET.get(manifestKey(saved.r2Key));
    if (!object) return;
    const manifest = keepWorkspaceBody.shape.manifest.safeParse(await object.json());
    if (!manifest.success) return;
    const answer = await driver.keep(sessionId, { snapshotId: saved.id, persistedPaths, manifest: manifest.data });
    log("info", answer.kept ? "workspace kept for the next start" : "workspace not kept", {
      sessionId,
      snapshotId: saved.id,
      reason: answer.reason ?? null,
    });
  } catch (err) {
    log("warn", "workspace keep failed", { sessionId, error: String(err) });
  }
}
