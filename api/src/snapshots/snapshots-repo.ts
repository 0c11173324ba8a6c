import { SNAPSHOT_STATUSES, type SnapshotStatus } from "@burstflare/sdk/schemas/snapshots";
import { SNAPSHOT_KINDS, type SnapshotKind } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";

/** A snapshots row as the control plane uses it (times in epoch ms). */
export interface SnapshotRecord {
  id: string;
  sessionId: string;
  workspaceId: string;
  kind: SnapshotKind;
  label: string | null;
  status: SnapshotStatus;
  r2Key: string;
  bytes: number | null;
  sha256: string | null;
  createdBy: string | null;
  createdAt: number;
  completedAt: number | null;
  /** `incremental`: only the files changed since `baseId` (the previous link of its chain). */
  format: "full" | "incremental";
  baseId: string | null;
  encoding: string | null;
}

export interface WorkspaceSnapshotRecord extends SnapshotRecord {
  sessionName: string;
  sessionDeleted: boolean;
}

export interface SnapshotChain {
  format: "full" | "incremental";
  baseId: string | null;
  encoding: string | null;
}

const COLUMNS =
  "id, session_id, workspace_id, kind, label, status, r2_key, bytes, sha256, created_by, created_at, completed_at, format, base_id, encoding";

const snapshotRow = z
  .object({
    id: z.string(),
    session_id: z.string(),
    workspace_id: z.string(),
    kind: z.enum(SNAPSHOT_KINDS),
    label: z.string().nullable(),
    status: z.enum(SNAPSHOT_STATUSES),
    r2_key: z.string(),
    bytes: z.number().nullable(),
    sha256: z.string().nullable(),
    created_by: z.string().nullable(),
    created_at: z.number(),
    completed_at: z.number().nullable(),
    format: z.enum(["full", "incremental"]).nullable(),
    base_id: z.string().nullable(),
    encoding: z.string().nullable(),
  })
  .transform(
    (row): SnapshotRecord => ({
      id: row.id,
      sessionId: row.session_id,
      workspaceId: row.workspace_id,
      kind: row.kind,
      label: row.label,
      status: row.status,
      r2Key: row.r2_key,
      bytes: row.bytes,
      sha256: row.sha256,
      createdBy: row.created_by,
      createdAt: row.created_at,
      completedAt: row.completed_at,
      format: row.format ?? "full",
      baseId: row.base_id,
      encoding: row.encoding,
    }),
  );

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

export async function insertPendingSnapshot(db: Db, record: SnapshotRecord): Promise<void> {
  await db.run(
    `INSERT INTO snapshots (${COLUMNS}) VALUES (?, ?, ?, ?, ?, 'pending', ?, NULL, NULL, ?, ?, NULL, ?, ?, ?)`,
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
  );
}

/** What a finished upload or copy records; `chain` when the row's chain fields change with it. */
export interface SnapshotReady {
  bytes: number;
  sha256: string;
  completedAt: number;
  chain?: SnapshotChain;
}

/** Only a pending row becomes ready: a row already failed (or deleted) stays so. */
export async function markSnapshotReady(db: Db, id: string, { bytes, sha256, completedAt: at, chain }: SnapshotReady): Promise<boolean> {
  const changed = chain
    ? await db.run(
        `UPDATE snapshots SET status = 'ready', bytes = ?, sha256 = ?, completed_at = ?, format = ?, base_id = ?, encoding = ?
         WHERE id = ? AND status = 'pending' AND deleted_at IS NULL`,
        bytes,
        sha256,
        at,
        chain.format,
        chain.baseId,
        chain.encoding,
        id,
      )
    : await db.run(
        "UPDATE snapshots SET status = 'ready', bytes = ?, sha256 = ?, completed_at = ? WHERE id = ? AND status = 'pending' AND deleted_at IS NULL",
        bytes,
        sha256,
        at,
        id,
      );
  return changed === 1;
}

/** A snapshot by id even when hidden: a chain's base stays needed after a person deleted it. */
export function findChainLink(db: Db, id: string): Promise<SnapshotRecord | null> {
  return db.one(snapshotRow, `SELECT ${COLUMNS} FROM snapshots WHERE id = ? AND status = 'ready'`, id);
}

export async function markSnapshotFailed(db: Db, id: string, at: number): Promise<void> {
  await db.run("UPDATE snapshots SET status = 'failed', completed_at = ? WHERE id = ? AND status = 'pending'", at, id);
}

/** Hides the rows (the objects are removed by the caller); already hidden ones stay as they were. */
export async function markSnapshotsDeleted(db: Db, ids: string[], at: number): Promise<void> {
  await db.batch(ids.map((id) => db.statement("UPDATE snapshots SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL", at, id)));
}

export function findSessionSnapshot(db: Db, sessionId: string, id: string): Promise<SnapshotRecord | null> {
  return db.one(snapshotRow, `SELECT ${COLUMNS} FROM snapshots WHERE id = ? AND session_id = ? AND deleted_at IS NULL`, id, sessionId);
}

/** Newest first; the rowid breaks ties between snapshots taken in the same millisecond. */
export function listSessionSnapshots(db: Db, sessionId: string): Promise<SnapshotRecord[]> {
  return db.all(
    snapshotRow,
    `SELECT ${COLUMNS} FROM snapshots WHERE session_id = ? AND deleted_at IS NULL ORDER BY created_at DESC, rowid DESC`,
    sessionId,
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

const total = z.object({ total: z.number() });

/** Bytes of the ready snapshots of one owner's sessions in a workspace (the snapshot_bytes gauge). */
export async function sumOwnerSnapshotBytes(db: Db, workspaceId: string, ownerId: string): Promise<number> {
  const row = await db.one(
    total,
    `SELECT COALESCE(SUM(sn.bytes), 0) AS total FROM snapshots sn JOIN sessions s ON s.id = sn.session_id
     WHERE s.workspace_id = ? AND s.owner_id = ? AND sn.status = 'ready' AND sn.deleted_at IS NULL`,
    workspaceId,
    ownerId,
  );
  return row?.total ?? 0;
}
