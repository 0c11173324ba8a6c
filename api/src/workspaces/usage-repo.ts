import { USAGE_METRICS, type UsageMetric } from "@burstflare/sdk/schemas/workspaces";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

/** usage_daily: one counter (or, for snapshot_bytes, gauge) per workspace, user, UTC day and metric. */

/** Adds to the day's counter, or with `replace` sets the gauge. */
export async function addUsage(
  db: Db,
  u: { workspaceId: string; userId: string; day: string; metric: UsageMetric; value: number; replace: boolean },
): Promise<void> {
  const merge = u.replace ? "excluded.value" : "usage_daily.value + excluded.value";
  await db.run(
    `INSERT INTO usage_daily (workspace_id, user_id, day, metric, value) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (workspace_id, user_id, day, metric) DO UPDATE SET value = ${merge}`,
    u.workspaceId,
    u.userId,
    u.day,
    u.metric,
    u.value,
  );
}

const usageDay = z.object({ userId: z.string(), day: z.string(), metric: z.enum(USAGE_METRICS), value: z.number() });
type UsageDay = z.infer<typeof usageDay>;

const UsageRow = rowOf(usageDay);

/** Every counter of the workspace from `from` to `to` (UTC days, inclusive), by day. */
export async function listUsageDays(db: Db, workspaceId: string, from: string, to: string): Promise<UsageDay[]> {
  return db.all(
    UsageRow,
    "SELECT user_id, day, metric, value FROM usage_daily WHERE workspace_id = ? AND day >= ? AND day <= ? ORDER BY day",
    workspaceId,
    from,
    to,
  );
}

/** Each user's last snapshot_bytes reading before `before`. */
export async function listLastStorageBefore(db: Db, workspaceId: string, before: string): Promise<UsageDay[]> {
  return db.all(
    UsageRow,
    `SELECT u.user_id, u.day, u.metric, u.value FROM usage_daily u
     WHERE u.workspace_id = ?1 AND u.metric = 'snapshot_bytes' AND u.day = (
       SELECT MAX(day) FROM usage_daily WHERE workspace_id = ?1 AND user_id = u.user_id AND metric = 'snapshot_bytes' AND day < ?2)`,
    workspaceId,
    before,
  );
}

/** The users with usage in the window and their emails (null once the user row is gone). */
export async function listUsageUsers(
  db: Db,
  workspaceId: string,
  from: string,
  to: string,
): Promise<{ userId: string; email: string | null }[]> {
  return db.all(
    rowOf(z.object({ userId: z.string(), email: z.string().nullable() })),
    "SELECT DISTINCT d.user_id, x.email FROM usage_daily d LEFT JOIN users x ON x.id = d.user_id WHERE d.workspace_id = ? AND d.day >= ? AND d.day <= ?",
    workspaceId,
    from,
    to,
  );
}

/** Build seconds recorded since `fromDay` (a UTC day). */
export async function sumBuildSecondsSince(db: Db, workspaceId: string, fromDay: string): Promise<number> {
  return db.count(
    "SELECT COALESCE(SUM(value), 0) AS n FROM usage_daily WHERE workspace_id = ? AND metric = 'build_seconds' AND day >= ?",
    workspaceId,
    fromDay,
  );
}
