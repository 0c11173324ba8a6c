import type { Usage } from "@burstflare/sdk/schemas/workspaces";
import type { ChartPoint } from "./UsageChart";

/**
 * Build minutes count against a monthly quota, so the chart shows the running total within
 * each UTC month. The current month ends at the server's own count (which includes days
 * before the window); earlier months start from zero at the window's edge.
 */
export function buildMinutesCumulative(usage: Pick<Usage, "daily" | "usage">): ChartPoint[] {
  const minutes = usage.daily.map((d) => ({ day: d.day, value: d.build_seconds / 60 }));
  const lastMonth = minutes[minutes.length - 1]?.day.slice(0, 7);
  const out: ChartPoint[] = new Array(minutes.length);
  // Walk back from today within the current month, subtracting each day's minutes.
  let running = usage.usage.buildMinutes;
  let i = minutes.length - 1;
  for (; i >= 0 && minutes[i]?.day.slice(0, 7) === lastMonth; i--) {
    const m = minutes[i] as ChartPoint;
    out[i] = { day: m.day, value: Math.max(0, running) };
    running -= m.value;
  }
  let month = "";
  let total = 0;
  for (let j = 0; j <= i; j++) {
    const m = minutes[j] as ChartPoint;
    if (m.day.slice(0, 7) !== month) {
      month = m.day.slice(0, 7);
      total = 0;
    }
    total += m.value;
    out[j] = { day: m.day, value: total };
  }
  return out;
}

export const storageSeries = (usage: Pick<Usage, "daily">): ChartPoint[] =>
  usage.daily.map((d) => ({ day: d.day, value: d.snapshot_bytes }));

export const runtimeHoursSeries = (usage: Pick<Usage, "daily">): ChartPoint[] =>
  usage.daily.map((d) => ({ day: d.day, value: d.runtime_seconds / 3600 }));

interface UserTotals {
  userId: string;
  email: string | null;
  runtimeSeconds: number;
  buildSeconds: number;
  /** The user's latest storage reading in the window. */
  snapshotBytes: number;
}

export function perUserTotals(usage: Pick<Usage, "byUser">): UserTotals[] {
  const map = new Map<string, UserTotals & { lastStorageDay: string }>();
  for (const r of usage.byUser) {
    const t = map.get(r.userId) ?? {
      userId: r.userId,
      email: r.email,
      runtimeSeconds: 0,
      buildSeconds: 0,
      snapshotBytes: 0,
      lastStorageDay: "",
    };
    t.runtimeSeconds += r.runtime_seconds;
    t.buildSeconds += r.build_seconds;
    if (r.snapshot_bytes > 0 && r.day >= t.lastStorageDay) {
      t.snapshotBytes = r.snapshot_bytes;
      t.lastStorageDay = r.day;
    }
    map.set(r.userId, t);
  }
  return [...map.values()]
    .map(({ lastStorageDay: _, ...t }) => t)
    .sort((a, b) => b.runtimeSeconds - a.runtimeSeconds || (a.email ?? "").localeCompare(b.email ?? ""));
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

export const formatHours = (h: number): string =>
  h >= 10 ? `${Math.round(h)} h` : h >= 1 ? `${h.toFixed(1)} h` : `${Math.round(h * 60)} min`;
export const formatMinutes = (m: number): string => `${m >= 100 ? Math.round(m) : Math.round(m * 10) / 10} min`;
