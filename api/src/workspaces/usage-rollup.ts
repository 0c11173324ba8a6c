import { USAGE_METRICS, type Usage, type UsageMetric } from "@burstflare/sdk/schemas/workspaces";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { day } from "../lib/time";
import { currentUsage, getLimits } from "./quotas";
import { listLastStorageBefore, listUsageDays, listUsageUsers } from "./usage-repo";

type MetricValues = Record<UsageMetric, number>;
const zero = (): MetricValues => ({ runtime_seconds: 0, build_seconds: 0, snapshot_bytes: 0 });

/**
 * Daily and per-user usage for the last `days` UTC days (today included). runtime and build
 * seconds are flows summed per day; snapshot_bytes is a per-user gauge carried forward from
 * its last reading, so storage does not drop to zero on days nobody wrote a snapshot.
 */
export async function usageRollup(env: AppBindings, workspaceId: string, days: number, at = Date.now()): Promise<Usage> {
  const dayList = Array.from({ length: days }, (_, i) => day(at - (days - 1 - i) * 86_400_000));
  const from = dayList[0] ?? day(at);
  const to = dayList[dayList.length - 1] ?? day(at);
  const db = dbOf(env);
  const [rows, before, users, limits, usage] = await Promise.all([
    listUsageDays(db, workspaceId, from, to),
    // The last storage reading per user before the window seeds the carried-forward gauge.
    listLastStorageBefore(db, workspaceId, from),
    listUsageUsers(db, workspaceId, from, to),
    getLimits(env, workspaceId),
    currentUsage(env, workspaceId),
  ]);

  const emails = new Map(users.map((u) => [u.userId, u.email]));
  const perUserDay = new Map<string, MetricValues>();
  const gaugeSet = new Set<string>();
  for (const r of rows) {
    const key = `${r.userId}\u0000${r.day}`;
    const v = perUserDay.get(key) ?? zero();
    v[r.metric] += r.value;
    perUserDay.set(key, v);
    if (r.metric === "snapshot_bytes") gaugeSet.add(key);
  }

  const storage = new Map(before.map((r) => [r.userId, r.value]));
  const daily: Usage["daily"] = [];
  for (const d of dayList) {
    const totals = zero();
    for (const [key, v] of perUserDay) {
      const [userId, rowDay] = key.split("\u0000") as [string, string];
      if (rowDay !== d) continue;
      totals.runtime_seconds += v.runtime_seconds;
      totals.build_seconds += v.build_seconds;
      if (gaugeSet.has(key)) storage.set(userId, v.snapshot_bytes);
    }
    for (const bytes of storage.values()) totals.snapshot_bytes += bytes;
    daily.push({ day: d, ...totals });
  }

  const byUser: Usage["byUser"] = [...perUserDay.entries()]
    .map(([key, v]) => {
      const [userId, rowDay] = key.split("\u0000") as [string, string];
      return { day: rowDay, userId, email: emails.get(userId) ?? null, ...v };
    })
    .sort((a, b) => a.day.localeCompare(b.day) || a.userId.localeCompare(b.userId));

  const totals = zero();
  for (const m of USAGE_METRICS) {
    totals[m] = m === "snapshot_bytes" ? (daily[daily.length - 1]?.snapshot_bytes ?? 0) : daily.reduce((s, d) => s + d[m], 0);
  }
  return { days, from, to, daily, byUser, totals, limits, usage };
}
