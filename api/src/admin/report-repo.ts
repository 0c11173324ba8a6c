import { type AdminBuild, adminBuildSchema, recentFailureSchema } from "@burstflare/sdk/schemas/admin";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

/** Read-only fleet counts for the operator report, across every workspace. */

const Grouped = z.object({ k: z.string(), n: z.number() });

/** Live sessions per state. */
export async function countSessionsByState(db: Db): Promise<{ key: string; n: number }[]> {
  const rows = await db.all(Grouped, "SELECT state AS k, COUNT(*) AS n FROM sessions WHERE deleted_at IS NULL GROUP BY state");
  return rows.map((r) => ({ key: r.k, n: r.n }));
}

/** Builds per status. */
export async function countBuildsByStatus(db: Db): Promise<{ key: string; n: number }[]> {
  const rows = await db.all(Grouped, "SELECT status AS k, COUNT(*) AS n FROM template_builds GROUP BY status");
  return rows.map((r) => ({ key: r.k, n: r.n }));
}

/** Live ready snapshots: how many and their bytes. */
export async function readySnapshotTotals(db: Db): Promise<{ n: number; bytes: number } | null> {
  return db.one(
    z.object({ n: z.number(), bytes: z.number() }),
    "SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS bytes FROM snapshots WHERE deleted_at IS NULL AND status = 'ready'",
  );
}

export const countActiveUploadGrants = (db: Db, at: number): Promise<number> =>
  db.count("SELECT COUNT(*) AS n FROM upload_grants WHERE used_at IS NULL AND expires_at > ?", at);
export const countLiveUsers = (db: Db): Promise<number> => db.count("SELECT COUNT(*) AS n FROM users WHERE deleted_at IS NULL");
export const countLiveWorkspaces = (db: Db): Promise<number> => db.count("SELECT COUNT(*) AS n FROM workspaces WHERE deleted_at IS NULL");
export const countLiveTemplatesAll = (db: Db): Promise<number> => db.count("SELECT COUNT(*) AS n FROM templates WHERE deleted_at IS NULL");
export const countDeletedSessions = (db: Db): Promise<number> =>
  db.count("SELECT COUNT(*) AS n FROM sessions WHERE deleted_at IS NOT NULL");
export const countDeletedSnapshots = (db: Db): Promise<number> =>
  db.count("SELECT COUNT(*) AS n FROM snapshots WHERE deleted_at IS NOT NULL");
export const countDeletedTemplates = (db: Db): Promise<number> =>
  db.count("SELECT COUNT(*) AS n FROM templates WHERE deleted_at IS NOT NULL");
export const countDeletedWorkspaces = (db: Db): Promise<number> =>
  db.count("SELECT COUNT(*) AS n FROM workspaces WHERE deleted_at IS NOT NULL");

/** Dead-lettered builds, most recently updated first. */
export async function listDeadLetteredBuilds(db: Db, limit: number): Promise<AdminBuild[]> {
  return db.all(
    rowOf(adminBuildSchema, { times: ["updatedAt"] }),
    `SELECT b.id, b.workspace_id, b.template_id, t.name AS template_name, v.version, b.status, b.attempts, b.error, b.updated_at
     FROM template_builds b LEFT JOIN templates t ON t.id = b.template_id LEFT JOIN template_versions v ON v.id = b.version_id
     WHERE b.status = 'dead_lettered' ORDER BY b.updated_at DESC LIMIT ?`,
    limit,
  );
}

/** A recent failure but for its kind, with its time in epoch ms (builds and sessions are merged by it). */
const Failure = rowOf(recentFailureSchema.omit({ kind: true, at: true }).extend({ at: z.number() }));

/** Failed and dead-lettered builds, newest first. */
export async function listFailedBuilds(db: Db, limit: number): Promise<z.infer<typeof Failure>[]> {
  return db.all(
    Failure,
    `SELECT b.id, b.workspace_id, t.name, b.status, b.error AS reason, b.updated_at AS at FROM template_builds b
     LEFT JOIN templates t ON t.id = b.template_id WHERE b.status IN ('failed', 'dead_lettered') ORDER BY b.updated_at DESC LIMIT ?`,
    limit,
  );
}

/** Live failed sessions, newest first. */
export async function listFailedSessions(db: Db, limit: number): Promise<z.infer<typeof Failure>[]> {
  return db.all(
    Failure,
    `SELECT id, workspace_id, name, state AS status, failure_reason AS reason, updated_at AS at FROM sessions
     WHERE state = 'failed' AND deleted_at IS NULL ORDER BY updated_at DESC LIMIT ?`,
    limit,
  );
}
