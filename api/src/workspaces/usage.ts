import type { UsageMetric } from "@burstflare/sdk/schemas/workspaces";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { day } from "../lib/time";
import { addUsage } from "./usage-repo";

interface UsageRecord {
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
  await addUsage(dbOf(env), {
    workspaceId: u.workspaceId,
    userId: u.userId,
    day: day(u.at ?? Date.now()),
    metric: u.metric,
    value,
    replace: u.metric === "snapshot_bytes",
  });
}
