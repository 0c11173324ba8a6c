import { snapshotSchema } from "@burstflare/sdk/schemas/snapshots";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf, withEpochTimes } from "../lib/rows";

export const SNAPSHOT_TIMES = ["createdAt", "completedAt"] as const;

/**
 * A snapshots row as the control plane uses it: the contract's Snapshot but for `restorePoint`,
 * with its R2 key and times in epoch ms.
 */
const snapshotRecord = withEpochTimes(snapshotSchema.omit({ restorePoint: true }), SNAPSHOT_TIMES).extend({
  r2Key: z.string(),
  /** `incremental`: only the files changed since `baseId` (the previous link of its chain); rows from before chains are full. */
  format: z
    .enum(["full", "incremental"])
    .nullable()
    .transform((format) => format ?? "full"),
  baseId: z.string().nullable(),
  encoding: z.string().nullable(),
});
export type SnapshotRecord = z.output<typeof snapshotRecord>;

export interface WorkspaceSnapshotRecord extends SnapshotRecord {
  sessionName: string;
  sessionDeleted: boolean;
}

export type SnapshotChain = Pick<SnapshotRecord, "format" | "baseId" | "encoding">;

const COLUMNS =
  "id, session_id, workspace_id, kind, label, status, r2_key, bytes, sha256, created_by, created_at, completed_at, format, base_id, encoding";

const snapshotRow = rowOf(snapshotRecord);

const workspaceSnapshotRow = z
  .object({ session_name: z.string(), session_deleted_at: z.number().nullable() })
  .passthrough()
  .transform(
    (row): WorkspaceSnapshotRecord => ({
      ...snapshotRow.parse(row),
      sessionName: row.session_name,
      sessionDeleted: row.session_deleted_at !== null,
    }),
  );

/** A pending row that no limit refuses, as a stop, sleep or safety save inserts one. */
export async function insertPendingSnapshot(db: Db, record: SnapshotRecord): Promise<void> {
  await insertBoundedSnapshot(db, record, null, { maxBytes: null, maxManual: null });
}

/**
 * What the snapshotBytes quota counts of a row: all it holds in R2, manifest included
 * (`stored_bytes`: a copy's when inserted, a save's when ready); a save still uploading has none and counts its archive.
 * A row retention removed holds 0 (its objects are gone; markSnapshotsExpired).
 */
export const SNAPSHOT_QUOTA_BYTES = "COALESCE(stored_bytes, bytes, 0)";

/**
 * The rows the snapshotBytes quota counts: every one not failed, hidden ones included. A snapshot a
 * person deleted keeps its objects for the operator restore window, so it counts until reconcile
 * purges it or a permanent delete removes it (else save, delete, save again stored a quota a cycle).
 */
export const SNAPSHOT_QUOTA_ROWS = "status != 'failed'";

/** What a pending row's insert must fit in; a null bound is not checked. */
export interface SnapshotBounds {
  /** The workspace's snapshotBytes limit: the counted rows' bytes (deleted ones too) plus `storedBytes` must not pass it. */
  maxBytes: number | null;
  /** Manual snapshots one session may hold, hidden ones included until reconcile purges them. */
  maxManual: number | null;
}

/**
 * Inserts `record` pending, holding `storedBytes` (a copy's archive and manifest; null for a save,
 * whose size is known once it is ready), unless the workspace's snapshot bytes or the session's
 * manual snapshots would pass `bounds`. Both counts are in the INSERT's own WHERE and a pending
 * copy counts its `stored_bytes` at once, so a burst of parallel copies cannot all pass. An increment
 * is inserted only while its base row exists (a permanent delete removes rows). False when the insert was refused.
 */
export function insertBoundedSnapshot(
  db: Db,
  record: SnapshotRecord,
  storedBytes: number | null,
  bounds: SnapshotBounds,
): Promise<boolean> {
  return db.runOne(
    `INSERT INTO snapshots (${COLUMNS}, stored_bytes) SELECT ?1, ?2, ?3, ?4, ?5, 'pending', ?6, NULL, NULL, ?7, ?8, NULL, ?9, ?10, ?11, ?12
     WHERE (?13 IS NULL OR (SELECT COALESCE(SUM(${SNAPSHOT_QUOTA_BYTES}), 0) FROM snapshots
                            WHERE workspace_id = ?3 AND ${SNAPSHOT_QUOTA_ROWS}) + COALESCE(?12, 0) <= ?13)
       AND (?10 IS NULL OR EXISTS (SELECT 1 FROM snapshots WHERE id = ?10))
       AND (?14 IS NULL OR (SELECT COUNT(*) FROM snapshots WHERE session_id = ?2 AND kind = 'manual' AND status != 'failed') < ?14)`,
    record.id,
    record.sessionId,
    record.workspaceId,
    record.kind,
    record.label,
    record.r2Key,
    record.createdBy,
    record.createdAt,
    record.format,
    record.baseId,
    record.encoding,
    storedBytes,
    bounds.maxBytes,
    bounds.maxManual,
  );
}

/** Manual snapshots of a session that count against its limit (see insertBoundedSnapshot). */
export function countManualSnapshots(db: Db, sessionId: string): Promise<number> {
  return db.count("SELECT COUNT(*) AS n FROM snapshots WHERE session_id = ? AND kind = 'manual' AND status != 'failed'", sessionId);
}

/**
 * What a finished upload or copy records; `chain` when the row's chain fields change with it;
 * `storedBytes` when the row's R2 total (archive and manifest) is known only now (a save's).
 */
export interface SnapshotReady {
  bytes: number;
  sha256: string;
  completedAt: number;
  chain?: SnapshotChain;
  storedBytes?: number;
}

/** Only a pending row becomes ready: a row already failed (or deleted) stays so. */
export async function markSnapshotReady(
  db: Db,
  id: string,
  { bytes, sha256, completedAt: at, chain, storedBytes }: SnapshotReady,
): Promise<boolean> {
  const ready = "status = 'ready', bytes = ?, sha256 = ?, completed_at = ?, stored_bytes = COALESCE(?, stored_bytes)";
  const where = "WHERE id = ? AND status = 'pending' AND deleted_at IS NULL";
  return chain
    ? db.runOne(
        `UPDATE snapshots SET ${ready}, format = ?, base_id = ?, encoding = ? ${where}`,
        bytes,
        sha256,
        at,
        storedBytes ?? null,
        chain.format,
        chain.baseId,
        chain.encoding,
        id,
      )
    : db.runOne(`UPDATE snapshots SET ${ready} ${where}`, bytes, sha256, at, storedBytes ?? null, id);
}

/** A snapshot by id even when hidden: a chain's base stays needed after a person deleted it. */
export function findChainLink(db: Db, id: string): Promise<SnapshotRecord | null> {
  return db.one(snapshotRow, `SELECT ${COLUMNS} FROM snapshots WHERE id = ? AND status = 'ready'`, id);
}

export async function markSnapshotFailed(db: Db, id: string, at: number): Promise<void> {
  await db.run("UPDATE snapshots SET status = 'failed', completed_at = ? WHERE id = ? AND status = 'pending'", at, id);
}

/** Hides the rows a person deleted: their objects stay for the restore window and count against the quota. */
export async function markSnapshotsDeleted(db: Db, ids: string[], at: number): Promise<void> {
  await db.batch(ids.map((id) => db.statement("UPDATE snapshots SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", at, id)));
}

/** Hides the rows retention expired, whose objects the caller removed: they hold nothing in R2 any more. */
export async function markSnapshotsExpired(db: Db, ids: string[], at: number): Promise<void> {
  await db.batch(
    ids.map((id) => db.statement("UPDATE snapshots SET deleted_at = ?, stored_bytes = 0 WHERE id = ? AND deleted_at IS NULL", at, id)),
  );
}

/** A snapshot of the session, hidden or not (a permanent delete empties the trash too). */
export function findSessionSnapshotWithDeleted(db: Db, sessionId: string, id: string): Promise<SnapshotRecord | null> {
  return db.one(snapshotRow, `SELECT ${COLUMNS} FROM snapshots WHERE id = ? AND session_id = ?`, id, sessionId);
}

/** Why a snapshot may not be removed for good: a pending upload, the session's restore point, or a row building on it. */
export type PermanentDeleteBlock = "pending" | "restorePoint" | "base";

/**
 * Removes the row now, in one statement that holds every condition: not pending, not the restore
 * point (the newest ready live row of its session), and no row (hidden ones too) names it as its base.
 * Null when removed, else what blocks it. The caller removes its objects afterwards.
 */
export async function deleteSnapshotRowNow(db: Db, sessionId: string, id: string): Promise<PermanentDeleteBlock | null | "missing"> {
  const isPoint = `sn.status = 'ready' AND sn.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM snapshots n WHERE n.session_id = sn.session_id
    AND n.status = 'ready' AND n.deleted_at IS NULL AND (n.created_at > sn.created_at OR (n.created_at = sn.created_at AND n.rowid > sn.rowid)))`;
  const hasChild = "EXISTS (SELECT 1 FROM snapshots d WHERE d.base_id = sn.id)";
  const removed = await db.runOne(
    `DELETE FROM snapshots AS sn WHERE id = ? AND session_id = ? AND status != 'pending' AND NOT (${isPoint}) AND NOT ${hasChild}`,
    id,
    sessionId,
  );
  if (removed) return null;
  const row = await db.one(
    z.object({ status: z.string(), point: z.number(), child: z.number() }),
    `SELECT status, (${isPoint}) AS point, ${hasChild} AS child FROM snapshots sn WHERE id = ? AND session_id = ?`,
    id,
    sessionId,
  );
  if (!row) return "missing";
  return row.status === "pending" ? "pending" : row.point ? "restorePoint" : "base";
}

/** What the workspace's hidden, not yet purged snapshots hold in R2, and when the last of them was deleted. */
export function sumDeletedSnapshotBytes(db: Db, workspaceId: string): Promise<{ bytes: number; lastDeletedAt: number | null } | null> {
  return db.one(
    rowOf(z.object({ bytes: z.number(), lastDeletedAt: z.number().nullable() })),
    `SELECT COALESCE(SUM(${SNAPSHOT_QUOTA_BYTES}), 0) AS bytes, MAX(deleted_at) AS last_deleted_at FROM snapshots
     WHERE workspace_id = ? AND deleted_at IS NOT NULL AND ${SNAPSHOT_QUOTA_ROWS} AND ${SNAPSHOT_QUOTA_BYTES} > 0`,
    workspaceId,
  );
}

export function findSessionSnapshot(db: Db, sessionId: string, id: string): Promise<SnapshotRecord | null> {
  return db.one(snapshotRow, `SELECT ${COLUMNS} FROM snapshots WHERE id = ? AND session_id = ? AND deleted_at IS NULL`, id, sessionId);
}

/** Newest first, at most `limit`; the rowid breaks ties between snapshots taken in the same millisecond. */
/** The session's deleted snapshots that still hold something in R2 (until purged), last deleted first. */
export function listDeletedSessionSnapshots(db: Db, sessionId: string, limit: number): Promise<SnapshotRecord[]> {
  return db.all(
    snapshotRow,
    `SELECT ${COLUMNS} FROM snapshots WHERE session_id = ? AND deleted_at IS NOT NULL AND ${SNAPSHOT_QUOTA_ROWS} AND ${SNAPSHOT_QUOTA_BYTES} > 0
     ORDER BY deleted_at DESC, rowid DESC LIMIT ?`,
    sessionId,
    limit,
  );
}

export function listSessionSnapshots(db: Db, sessionId: string, limit: number): Promise<SnapshotRecord[]> {
  return db.all(
    snapshotRow,
    `SELECT ${COLUMNS} FROM snapshots WHERE session_id = ? AND deleted_at IS NULL ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    sessionId,
    limit,
  );
}

export function findLatestReady(db: Db, sessionId: string): Promise<SnapshotRecord | null> {
  return db.one(
    snapshotRow,
    `SELECT ${COLUMNS} FROM snapshots WHERE session_id = ? AND status = 'ready' AND deleted_at IS NULL
     ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    sessionId,
  );
}

/** Every live snapshot of the workspace, those of deleted sessions included; newest first. */
export function listWorkspaceSnapshotRecords(db: Db, workspaceId: string, limit: number): Promise<WorkspaceSnapshotRecord[]> {
  const columns = COLUMNS.split(", ")
    .map((c) => `sn.${c}`)
    .join(", ");
  return db.all(
    workspaceSnapshotRow,
    `SELECT ${columns}, s.name AS session_name, s.deleted_at AS session_deleted_at
     FROM snapshots sn JOIN sessions s ON s.id = sn.session_id
     WHERE sn.workspace_id = ? AND sn.deleted_at IS NULL ORDER BY sn.created_at DESC, sn.rowid DESC LIMIT ?`,
    workspaceId,
    limit,
  );
}

/** A live snapshot of the workspace by id, whatever its session's state. */
export function findWorkspaceSnapshot(db: Db, workspaceId: string, id: string): Promise<SnapshotRecord | null> {
  return db.one(snapshotRow, `SELECT ${COLUMNS} FROM snapshots WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL`, id, workspaceId);
}

/** Bytes the ready snapshots of one owner's sessions in a workspace hold, as the quota counts them (the snapshot_bytes gauge). */
export async function sumOwnerSnapshotBytes(db: Db, workspaceId: string, ownerId: string): Promise<number> {
  return db.count(
    `SELECT COALESCE(SUM(${SNAPSHOT_QUOTA_BYTES}), 0) AS n FROM snapshots sn JOIN sessions s ON s.id = sn.session_id
     WHERE s.workspace_id = ? AND s.owner_id = ? AND sn.status = 'ready' AND sn.deleted_at IS NULL`,
    workspaceId,
    ownerId,
  );
}
