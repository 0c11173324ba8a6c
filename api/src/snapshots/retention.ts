import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { log } from "../lib/log";
import { snapshotConfig } from "./config";
import { listSnapshots, manifestKey, type SnapshotRecord } from "./records";
import { markSnapshotsExpired } from "./snapshots-repo";

const AUTOMATIC_KINDS = new Set(["autosave", "stop", "sleep"]);

/**
 * Which of a session's snapshots retention removes: beyond the newest N unlabelled automatic
 * ones, beyond the newest M safety ones, and old failed rows. Manual and labelled snapshots,
 * pending uploads and the restore point are always kept.
 */
export function selectExpired(
  snapshots: SnapshotRecord[],
  keep: { keepAutomatic: number; keepSafety: number; keepFailed: number },
): SnapshotRecord[] {
  const newestFirst = [...snapshots].sort((a, b) => b.createdAt - a.createdAt);
  const restorePoint = newestFirst.find((s) => s.status === "ready");
  const expired: SnapshotRecord[] = [];
  let automatic = 0;
  let safety = 0;
  let failed = 0;
  for (const s of newestFirst) {
    if (s.status === "pending") continue;
    if (s.status === "failed") {
      if (++failed > keep.keepFailed) expired.push(s);
      continue;
    }
    if (s.kind === "manual" || s.label !== null) continue;
    // The restore point counts towards its kind's allowance but is never removed.
    const over = AUTOMATIC_KINDS.has(s.kind) ? ++automatic > keep.keepAutomatic : s.kind === "safety" && ++safety > keep.keepSafety;
    if (over && s.id !== restorePoint?.id) expired.push(s);
  }
  // A kept increment needs its whole chain: its bases stay, however old (newest first, so a
  // kept link's base is reached after it).
  const expiredIds = new Set(expired.map((s) => s.id));
  for (const s of newestFirst) {
    if (s.status === "ready" && !expiredIds.has(s.id) && s.baseId) expiredIds.delete(s.baseId);
  }
  return expired.filter((s) => expiredIds.has(s.id));
}

/** Applies retention to one session: removes the expired objects, then hides their rows. */
export async function applyRetention(env: AppBindings, sessionId: string): Promise<SnapshotRecord[]> {
  const expired = selectExpired(await listSnapshots(env, sessionId), snapshotConfig(env));
  if (expired.length === 0) return [];
  const keys = expired.filter((s) => s.status === "ready").flatMap((s) => [s.r2Key, manifestKey(s.r2Key)]);
  if (keys.length > 0) await env.BUCKET.delete(keys);
  const at = Date.now();
  await markSnapshotsExpired(
    dbOf(env),
    expired.map((s) => s.id),
    at,
  );
  log("info", "snapshot retention", { sessionId, removed: expired.map((s) => s.id) });
  return expired;
}
