import type { UsageMetric } from "../../../sdk/schemas/workspaces";
import type { AppBindings } from "../env";
import { day } from "../lib/time";

export interface UsageRecord {
  workspaceId: string;
  userId: string;
  metric: UsageMetric;
  value: number;
  at?: number;
}

/**
 * Adds to the day's counter (runtime_seconds, build_seconds) or, for snapshot_bytes,
 * sets the day's gauge: storage is a level, not a flow.
 */
export async function recordUsage(env: AppBindings, u: UsageRecord): Promise<void> {
  const value = Math.max(0, Math.round(u.value));
  const merge = u.metric === "snapshot_bytes" ? "excluded.value" : "usage_daily.value + excluded.value";
  await env.DB.prepare(
    `INSERT INTO usage_daily (workspace_id, user_id, day, metric, value) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (workspace_id, user_id, day, metric) DO UPDATE SET value = ${merge}`,
  )
    .bind(u.workspaceId, u.userId, day(u.at ?? Date.now()), u.metric, value)
    .run();
}
