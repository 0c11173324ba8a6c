import { ApiError } from "@burstflare/sdk/errors";
import type { DeletedSnapshotBytes } from "@burstflare/sdk/schemas/snapshots";
import { opsPolicy } from "../admin/policy";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { assertQuota, getLimits, quotaRefusal } from "../workspaces/quotas";
import { countManualSnapshots, findChainLink, insertBoundedSnapshot, type SnapshotRecord, sumDeletedSnapshotBytes } from "./snapshots-repo";

/**
 * Manual snapshots one session holds at most: saves, restore points a restore made, copies. They
 * are kept until deleted, and a restore of a stopped session makes one in a few milliseconds, so
 * without a count a loop of restores grew D1 and the session's list without end.
 */
export const MAX_MANUAL_SNAPSHOTS = 100;

/**
 * The newest snapshots a session's list shows. Above what retention and MAX_MANUAL_SNAPSHOTS
 * leave (100 manual, 5 automatic, 3 safety, 5 failed, and the chain bases those need), so in
 * practice the whole list; the bound is for the response, whatever the table holds.
 */
export const LISTED_SNAPSHOTS = 500;

/**
 * Inserts `record` pending within its limits, or answers 403 quota_exceeded: a copy (`storedBytes`:
 * what its archive and manifest will hold in R2) within the workspace's snapshotBytes quota, and a
 * manual snapshot within MAX_MANUAL_SNAPSHOTS of its session. Both are checked in the INSERT itself
 * (insertBoundedSnapshot), so parallel requests cannot all pass. A save (`storedBytes` null) checks
 * its bytes once it knows them (saveSnapshot); a stop, sleep or safety save is never refused.
 */
export async function insertWithinLimits(env: AppBindings, record: SnapshotRecord, storedBytes: number | null): Promise<void> {
  const db = dbOf(env);
  const maxBytes = storedBytes === null ? null : (await getLimits(env, record.workspaceId)).snapshotBytes;
  const maxManual = record.kind === "manual" ? MAX_MANUAL_SNAPSHOTS : null;
  if (await insertBoundedSnapshot(db, record, storedBytes, { maxBytes, maxManual })) return;
  const manual = await countManualSnapshots(db, record.sessionId);
  if (maxManual !== null && manual >= maxManual) {
    throw new ApiError(
      "quota_exceeded",
      `at most ${maxManual} manual snapshots per session; delete older ones (a deleted snapshot counts until it is purged)`,
      { details: { limit: "manualSnapshots", max: maxManual, current: manual } },
    );
  }
  if (record.baseId && !(await findChainLink(db, record.baseId))) throw new ApiError("gone", `snapshot ${record.baseId} is gone`);
  throw await withTrashHint(env, record.workspaceId, await quotaRefusal(env, record.workspaceId, "snapshotBytes"));
}

/** assertQuota for snapshotBytes, whose refusal says what deleted snapshots still hold. */
export async function assertSnapshotBytes(env: AppBindings, workspaceId: string, adding: number): Promise<void> {
  try {
    await assertQuota(env, workspaceId, "snapshotBytes", adding);
  } catch (err) {
    throw err instanceof ApiError ? await withTrashHint(env, workspaceId, err) : err;
  }
}

/** What the workspace's deleted snapshots hold until purged, and when the last of them is purged. */
export async function deletedSnapshotBytes(env: AppBindings, workspaceId: string): Promise<DeletedSnapshotBytes> {
  const trash = await sumDeletedSnapshotBytes(dbOf(env), workspaceId);
  const last = trash?.lastDeletedAt ?? null;
  return { bytes: trash?.bytes ?? 0, purgeAfter: last === null ? null : new Date(last + opsPolicy(env).deletedRetentionMs).toISOString() };
}

/**
 * A snapshotBytes refusal with what deleted snapshots hold (they count until purged): how many bytes,
 * until when at the latest, and that a permanent delete frees them now.
 */
async function withTrashHint(env: AppBindings, workspaceId: string, err: ApiError): Promise<ApiError> {
  const { bytes, purgeAfter } = await deletedSnapshotBytes(env, workspaceId);
  if (err.code !== "quota_exceeded" || bytes === 0) return err;
  return new ApiError(
    "quota_exceeded",
    `${err.message}; deleted snapshots hold ${bytes} bytes of it until they are purged (by ${purgeAfter}): ` +
      "delete them permanently to free it now (DELETE …/snapshots/{snapshotId}?permanent=true)",
    { details: { ...(err.details as object), deletedBytes: bytes, purgeAfter } },
  );
}
