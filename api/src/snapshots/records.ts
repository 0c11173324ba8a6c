import { type Snapshot, snapshotSchema } from "@burstflare/sdk/schemas/snapshots";
import type { SnapshotKind } from "@burstflare/sdk/states";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { isoView } from "../lib/rows";
import { now } from "../lib/time";
import {
  findChainLink,
  findLatestReady,
  findSessionSnapshot,
  findSessionSnapshotWithDeleted,
  findWorkspaceSnapshot,
  listDeletedSessionSnapshots,
  listSessionSnapshots,
  listWorkspaceSnapshotRecords,
  markSnapshotFailed,
  markSnapshotReady,
  markSnapshotsDeleted,
  SNAPSHOT_TIMES,
  type SnapshotChain,
  type SnapshotReady,
  type SnapshotRecord,
  type WorkspaceSnapshotRecord,
} from "./snapshots-repo";

export type { SnapshotRecord } from "./snapshots-repo";

export function toSnapshot(record: SnapshotRecord, restorePointId: string | null): Snapshot {
  return isoView(snapshotSchema, SNAPSHOT_TIMES, { ...record, restorePoint: record.id === restorePointId });
}

/** A new snapshot of `session`, pending until its archive is stored (saves and copies alike). */
export function pendingSnapshot(
  session: { id: string; workspaceId: string },
  opts: { kind: SnapshotKind; label: string | null; createdBy: string | null },
  chain: SnapshotChain,
): SnapshotRecord {
  const id = newId("snap");
  return {
    id,
    sessionId: session.id,
    workspaceId: session.workspaceId,
    kind: opts.kind,
    label: opts.label,
    status: "pending",
    r2Key: snapshotKey(session.workspaceId, session.id, id),
    bytes: null,
    sha256: null,
    createdBy: opts.createdBy,
    createdAt: now(),
    completedAt: null,
    ...chain,
  };
}

export function snapshotKey(workspaceId: string, sessionId: string, snapshotId: string): string {
  return `snapshots/${workspaceId}/${sessionId}/${snapshotId}.tar.gz`;
}

/** The manifest stored beside an archive: `<id>.manifest.json` next to `<id>.tar.gz`. */
export function manifestKey(r2Key: string): string {
  return r2Key.replace(/\.tar\.gz$/, ".manifest.json");
}

/** Only a pending row becomes ready: a row already failed (or deleted) stays so. */
export function markReady(env: AppBindings, id: string, ready: SnapshotReady): Promise<boolean> {
  return markSnapshotReady(dbOf(env), id, ready);
}

/** A snapshot by id even when hidden: a chain's base stays needed after a person deleted it. */
export function getChainLink(env: AppBindings, id: string): Promise<SnapshotRecord | null> {
  return findChainLink(dbOf(env), id);
}

export function markFailed(env: AppBindings, id: string, at: number): Promise<void> {
  return markSnapshotFailed(dbOf(env), id, at);
}

export function markDeleted(env: AppBindings, id: string, at: number): Promise<void> {
  return markSnapshotsDeleted(dbOf(env), [id], at);
}

/** A snapshot of the session, hidden ones included (not yet purged). */
export function getSnapshotWithDeleted(env: AppBindings, sessionId: string, id: string): Promise<SnapshotRecord | null> {
  return findSessionSnapshotWithDeleted(dbOf(env), sessionId, id);
}

export function getSnapshot(env: AppBindings, sessionId: string, id: string): Promise<SnapshotRecord | null> {
  return findSessionSnapshot(dbOf(env), sessionId, id);
}

/** Newest first, at most `limit` (-1: all); the rowid breaks ties between snapshots taken in the same millisecond. */
export function listSnapshots(env: AppBindings, sessionId: string, limit = -1): Promise<SnapshotRecord[]> {
  return listSessionSnapshots(dbOf(env), sessionId, limit);
}

/** The session's deleted snapshots not yet purged: what a permanent delete can still free. */
export function listDeletedSnapshots(env: AppBindings, sessionId: string, limit: number): Promise<SnapshotRecord[]> {
  return listDeletedSessionSnapshots(dbOf(env), sessionId, limit);
}

export function latestReady(env: AppBindings, sessionId: string): Promise<SnapshotRecord | null> {
  return findLatestReady(dbOf(env), sessionId);
}

/** Every live snapshot of the workspace, those of deleted sessions included; newest first. */
export function listWorkspaceSnapshots(env: AppBindings, workspaceId: string, limit = 500): Promise<WorkspaceSnapshotRecord[]> {
  return listWorkspaceSnapshotRecords(dbOf(env), workspaceId, limit);
}

/** A live snapshot of the workspace by id, whatever its session's state. */
export function getWorkspaceSnapshot(env: AppBindings, workspaceId: string, id: string): Promise<SnapshotRecord | null> {
  return findWorkspaceSnapshot(dbOf(env), workspaceId, id);
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
