import type { Snapshot, SnapshotStatus } from "../../../sdk/schemas/snapshots";
import type { SnapshotKind } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { iso } from "../lib/time";

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

interface SnapshotRow {
  id: string;
  session_id: string;
  workspace_id: string;
  kind: SnapshotKind;
  label: string | null;
  status: SnapshotStatus;
  r2_key: string;
  bytes: number | null;
  sha256: string | null;
  created_by: string | null;
  created_at: number;
  completed_at: number | null;
  format: "full" | "incremental";
  base_id: string | null;
  encoding: string | null;
}

const COLUMNS =
  "id, session_id, workspace_id, kind, label, status, r2_key, bytes, sha256, created_by, created_at, completed_at, format, base_id, encoding";

function fromRow(row: SnapshotRow): SnapshotRecord {
  return {
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
    baseId: row.base_id ?? null,
    encoding: row.encoding ?? null,
  };
}

export function toSnapshot(record: SnapshotRecord, restorePointId: string | null): Snapshot {
  return {
    id: record.id,
    sessionId: record.sessionId,
    workspaceId: record.workspaceId,
    kind: record.kind,
    label: record.label,
    status: record.status,
    bytes: record.bytes,
    sha256: record.sha256,
    createdBy: record.createdBy,
    createdAt: iso(record.createdAt) ?? "",
    completedAt: iso(record.completedAt),
    restorePoint: record.id === restorePointId,
    format: record.format,
    baseId: record.baseId,
    encoding: record.encoding,
  };
}

export function snapshotKey(workspaceId: string, sessionId: string, snapshotId: string): string {
  return `snapshots/${workspaceId}/${sessionId}/${snapshotId}.tar.gz`;
}

/** The manifest stored beside an archive: `<id>.manifest.json` next to `<id>.tar.gz`. */
export function manifestKey(r2Key: string): string {
  return r2Key.replace(/\.tar\.gz$/, ".manifest.json");
}

export async function insertPending(env: AppBindings, record: SnapshotRecord): Promise<void> {
  await env.DB.prepare(`INSERT INTO snapshots (${COLUMNS}) VALUES (?, ?, ?, ?, ?, 'pending', ?, NULL, NULL, ?, ?, NULL, ?, ?, ?)`)
    .bind(
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
    )
    .run();
}

/** Only a pending row becomes ready: a row already failed (or deleted) stays so. */
export async function markReady(
  env: AppBindings,
  id: string,
  bytes: number,
  sha256: string,
  at: number,
  chain?: { format: "full" | "incremental"; baseId: string | null; encoding: string | null },
): Promise<boolean> {
  const res = chain
    ? await env.DB.prepare(
        `UPDATE snapshots SET status = 'ready', bytes = ?, sha256 = ?, completed_at = ?, format = ?, base_id = ?, encoding = ?
         WHERE id = ? AND status = 'pending' AND deleted_at IS NULL`,
      )
        .bind(bytes, sha256, at, chain.format, chain.baseId, chain.encoding, id)
        .run()
    : await env.DB.prepare(
        "UPDATE snapshots SET status = 'ready', bytes = ?, sha256 = ?, completed_at = ? WHERE id = ? AND status = 'pending' AND deleted_at IS NULL",
      )
        .bind(bytes, sha256, at, id)
        .run();
  return res.meta.changes === 1;
}

/** A snapshot by id even when hidden: a chain's base stays needed after a person deleted it. */
export async function getChainLink(env: AppBindings, id: string): Promise<SnapshotRecord | null> {
  const row = await env.DB.prepare(`SELECT ${COLUMNS} FROM snapshots WHERE id = ? AND status = 'ready'`).bind(id).first<SnapshotRow>();
  return row ? fromRow(row) : null;
}

export async function markFailed(env: AppBindings, id: string, at: number): Promise<void> {
  await env.DB.prepare("UPDATE snapshots SET status = 'failed', completed_at = ? WHERE id = ? AND status = 'pending'").bind(at, id).run();
}

export async function markDeleted(env: AppBindings, id: string, at: number): Promise<void> {
  await env.DB.prepare("UPDATE snapshots SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL").bind(at, id).run();
}

export async function getSnapshot(env: AppBindings, sessionId: string, id: string): Promise<SnapshotRecord | null> {
  const row = await env.DB.prepare(`SELECT ${COLUMNS} FROM snapshots WHERE id = ? AND session_id = ? AND deleted_at IS NULL`)
    .bind(id, sessionId)
    .first<SnapshotRow>();
  return row ? fromRow(row) : null;
}

/** Newest first; the rowid breaks ties between snapshots taken in the same millisecond. */
export async function listSnapshots(env: AppBindings, sessionId: string): Promise<SnapshotRecord[]> {
  const { results } = await env.DB.prepare(
    `SELECT ${COLUMNS} FROM snapshots WHERE session_id = ? AND deleted_at IS NULL ORDER BY created_at DESC, rowid DESC`,
  )
    .bind(sessionId)
    .all<SnapshotRow>();
  return results.map(fromRow);
}

export async function latestReady(env: AppBindings, sessionId: string): Promise<SnapshotRecord | null> {
  const row = await env.DB.prepare(
    `SELECT ${COLUMNS} FROM snapshots WHERE session_id = ? AND status = 'ready' AND deleted_at IS NULL
     ORDER BY created_at DESC, rowid DESC LIMIT 1`,
  )
    .bind(sessionId)
    .first<SnapshotRow>();
  return row ? fromRow(row) : null;
}

export interface WorkspaceSnapshotRecord extends SnapshotRecord {
  sessionName: string;
  sessionDeleted: boolean;
}

/** Every live snapshot of the workspace, those of deleted sessions included; newest first. */
export async function listWorkspaceSnapshots(env: AppBindings, workspaceId: string, limit = 500): Promise<WorkspaceSnapshotRecord[]> {
  const { results } = await env.DB.prepare(
    `SELECT ${COLUMNS.split(", ")
      .map((c) => `sn.${c}`)
      .join(", ")}, s.name AS session_name, s.deleted_at AS session_deleted_at
     FROM snapshots sn JOIN sessions s ON s.id = sn.session_id
     WHERE sn.workspace_id = ? AND sn.deleted_at IS NULL ORDER BY sn.created_at DESC, sn.rowid DESC LIMIT ?`,
  )
    .bind(workspaceId, limit)
    .all<SnapshotRow & { session_name: string; session_deleted_at: number | null }>();
  return results.map((row) => ({ ...fromRow(row), sessionName: row.session_name, sessionDeleted: row.session_deleted_at !== null }));
}

/** A live snapshot of the workspace by id, whatever its session's state. */
export async function getWorkspaceSnapshot(env: AppBindings, workspaceId: string, id: string): Promise<SnapshotRecord | null> {
  const row = await env.DB.prepare(`SELECT ${COLUMNS} FROM snapshots WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL`)
    .bind(id, workspaceId)
    .first<SnapshotRow>();
  return row ? fromRow(row) : null;
}

/** The restore point of each of the given sessions (newest ready snapshot). */
export async function restorePointIds(env: AppBindings, sessionIds: string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const sessionId of new Set(sessionIds)) {
    const point = await latestReady(env, sessionId);
    if (point) ids.add(point.id);
  }
  return ids;
}

/** Bytes of the workspace's stored (ready) snapshots: what counts against the snapshotBytes quota. */
export async function workspaceSnapshotBytes(env: AppBindings, workspaceId: string): Promise<number> {
  const row = await env.DB.prepare(
    "SELECT COALESCE(SUM(bytes), 0) AS total FROM snapshots WHERE workspace_id = ? AND status = 'ready' AND deleted_at IS NULL",
  )
    .bind(workspaceId)
    .first<{ total: number }>();
  return row?.total ?? 0;
}
