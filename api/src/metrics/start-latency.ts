import type { LatencySummary, StartLatencyStats, StartRecord } from "@burstflare/sdk/schemas/metrics";
import type { SessionState } from "@burstflare/sdk/states";
import type { AppBindings } from "../env";
import { listWakingIntentTimings, markIntentsReadyStatement } from "../intent/intents-repo";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { log } from "../lib/log";
import { iso, now } from "../lib/time";
import { percentile } from "./percentile";
import { insertStartMetricStatement, listRecentStarts, listStartTotals, type StartKind, type StartMeasurement } from "./start-metrics-repo";

/** Rows read per stats query; a day of starts across a deployment stays well below it. */
const MAX_ROWS = 50_000;

/**
 * Times one runtime boot inside the Session DO: `mark` at each lifecycle phase, `finish` once.
 * A boot from `sleeping` is a wake; anything else a start. Recording never fails the boot.
 */
export function startTimer(from: SessionState) {
  const startedAt = now();
  const kind: StartKind = from === "sleeping" ? "wake" : "start";
  const phases: Record<string, number> = {};
  let phase: string | null = null;
  let phaseAt = startedAt;
  const close = (t: number) => {
    if (phase) phases[phase] = (phases[phase] ?? 0) + (t - phaseAt);
  };
  return {
    kind,
    mark(next: string): void {
      const t = now();
      close(t);
      phase = next;
      phaseAt = t;
    },
    async finish(env: AppBindings, ref: { sessionId: string; workspaceId: string }, ok: boolean): Promise<void> {
      const t = now();
      close(t);
      phase = null;
      try {
        await recordStart(env, { ...ref, kind, ok, startedAt, finishedAt: t, phases });
      } catch (err) {
        log("warn", "start latency not recorded", { sessionId: ref.sessionId, error: String(err) });
      }
    },
  };
}

/** Stores one boot and stamps `ready_at` on the intents that asked for it. */
export async function recordStart(env: AppBindings, m: StartMeasurement): Promise<void> {
  const db = dbOf(env);
  const statements = [insertStartMetricStatement(db, newId("stm"), m)];
  if (m.ok) {
    // An intent fired shortly before this boot began is the one that started it.
    statements.push(markIntentsReadyStatement(db, m.sessionId, m.finishedAt, m.startedAt - 60_000, m.startedAt + 5_000));
  }
  await db.batch(statements);
}

function summarize(rows: { totalMs: number; ok: boolean }[]): LatencySummary {
  const ok = rows
    .filter((r) => r.ok)
    .map((r) => r.totalMs)
    .sort((a, b) => a - b);
  return { count: ok.length, failed: rows.length - ok.length, p50Ms: percentile(ok, 50), p95Ms: percentile(ok, 95) };
}

interface StatsFilter {
  workspaceId?: string;
  sessionId?: string;
}

/**
 * p50/p95 of start and wake since `sinceMs`, plus what start on intent saved. For
 * `/api/admin/report` (whole deployment) and the session detail page (workspace, session).
 */
export async function startLatencyStats(env: AppBindings, sinceMs: number, filter: StatsFilter = {}): Promise<StartLatencyStats> {
  const db = dbOf(env);
  const f = { sinceMs, ...filter };
  const [starts, intents] = await Promise.all([listStartTotals(db, f, MAX_ROWS), listWakingIntentTimings(db, f, MAX_ROWS)]);
  const saved = intents
    .filter((r) => r.readyAt !== null && r.connectedAt !== null)
    .map((r) => Math.max(0, Math.min(r.readyAt as number, r.connectedAt as number) - r.firedAt))
    .sort((a, b) => a - b);
  return {
    since: iso(sinceMs) ?? "",
    start: summarize(starts.filter((r) => r.kind === "start")),
    wake: summarize(starts.filter((r) => r.kind === "wake")),
    intent: {
      wakes: intents.length,
      connected: intents.filter((r) => r.connectedAt !== null).length,
      medianSavedMs: percentile(saved, 50),
      totalSavedMs: saved.reduce((a, b) => a + b, 0),
    },
  };
}

/** The session's latest boots, newest first. */
export async function recentStarts(env: AppBindings, sessionId: string, limit = 10): Promise<StartRecord[]> {
  const rows = await listRecentStarts(dbOf(env), sessionId, limit);
  return rows.map((r) => {
    let phases: Record<string, number> = {};
    try {
      const parsed = JSON.parse(r.phases) as unknown;
      if (parsed && typeof parsed === "object") phases = parsed as Record<string, number>;
    } catch {
      // Stored by recordStart; a damaged row shows without phases.
    }
    return { kind: r.kind, ok: r.ok, at: iso(r.finishedAt) ?? "", totalMs: r.totalMs, phases };
  });
}
