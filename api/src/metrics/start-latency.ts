import type { LatencySummary, StartLatencyStats, StartRecord } from "../../../sdk/schemas/metrics";
import type { SessionState } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { log } from "../lib/log";
import { iso, now } from "../lib/time";
import { percentile } from "./percentile";

export type StartKind = "start" | "wake";

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

export interface StartMeasurement {
  sessionId: string;
  workspaceId: string;
  kind: StartKind;
  ok: boolean;
  startedAt: number;
  finishedAt: number;
  phases: Record<string, number>;
}

/** Stores one boot and stamps `ready_at` on the intents that asked for it. */
export async function recordStart(env: AppBindings, m: StartMeasurement): Promise<void> {
  const statements = [
    env.DB.prepare(
      `INSERT INTO session_start_metrics (id, session_id, workspace_id, kind, ok, started_at, finished_at, total_ms, phases)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(
      newId("stm"),
      m.sessionId,
      m.workspaceId,
      m.kind,
      m.ok ? 1 : 0,
      m.startedAt,
      m.finishedAt,
      m.finishedAt - m.startedAt,
      JSON.stringify(m.phases),
    ),
  ];
  if (m.ok) {
    // An intent fired shortly before this boot began is the one that started it.
    statements.push(
      env.DB.prepare(
        "UPDATE session_intents SET ready_at = ? WHERE session_id = ? AND action = 'waking' AND ready_at IS NULL AND fired_at <= ? AND fired_at >= ?",
      ).bind(m.finishedAt, m.sessionId, m.startedAt + 5_000, m.startedAt - 60_000),
    );
  }
  await env.DB.batch(statements);
}

function summarize(rows: { total_ms: number; ok: number }[]): LatencySummary {
  const ok = rows
    .filter((r) => r.ok === 1)
    .map((r) => r.total_ms)
    .sort((a, b) => a - b);
  return { count: ok.length, failed: rows.length - ok.length, p50Ms: percentile(ok, 50), p95Ms: percentile(ok, 95) };
}

export interface StatsFilter {
  workspaceId?: string;
  sessionId?: string;
}

function where(sinceMs: number, filter: StatsFilter, timeColumn: string): { sql: string; binds: unknown[] } {
  const parts = [`${timeColumn} >= ?`];
  const binds: unknown[] = [sinceMs];
  if (filter.workspaceId) {
    parts.push("workspace_id = ?");
    binds.push(filter.workspaceId);
  }
  if (filter.sessionId) {
    parts.push("session_id = ?");
    binds.push(filter.sessionId);
  }
  return { sql: parts.join(" AND "), binds };
}

/**
 * p50/p95 of start and wake since `sinceMs`, plus what start on intent saved. For
 * `/api/admin/report` (whole deployment) and the session detail page (workspace, session).
 */
export async function startLatencyStats(env: AppBindings, sinceMs: number, filter: StatsFilter = {}): Promise<StartLatencyStats> {
  const m = where(sinceMs, filter, "finished_at");
  const i = where(sinceMs, filter, "fired_at");
  const [starts, intents] = await Promise.all([
    env.DB.prepare(`SELECT kind, ok, total_ms FROM session_start_metrics WHERE ${m.sql} LIMIT ${MAX_ROWS}`)
      .bind(...m.binds)
      .all<{ kind: StartKind; ok: number; total_ms: number }>(),
    env.DB.prepare(`SELECT fired_at, ready_at, connected_at FROM session_intents WHERE ${i.sql} AND action = 'waking' LIMIT ${MAX_ROWS}`)
      .bind(...i.binds)
      .all<{ fired_at: number; ready_at: number | null; connected_at: number | null }>(),
  ]);
  const saved = intents.results
    .filter((r) => r.ready_at !== null && r.connected_at !== null)
    .map((r) => Math.max(0, Math.min(r.ready_at as number, r.connected_at as number) - r.fired_at))
    .sort((a, b) => a - b);
  return {
    since: iso(sinceMs) ?? "",
    start: summarize(starts.results.filter((r) => r.kind === "start")),
    wake: summarize(starts.results.filter((r) => r.kind === "wake")),
    intent: {
      wakes: intents.results.length,
      connected: intents.results.filter((r) => r.connected_at !== null).length,
      medianSavedMs: percentile(saved, 50),
      totalSavedMs: saved.reduce((a, b) => a + b, 0),
    },
  };
}

/** The session's latest boots, newest first. */
export async function recentStarts(env: AppBindings, sessionId: string, limit = 10): Promise<StartRecord[]> {
  const { results } = await env.DB.prepare(
    "SELECT kind, ok, finished_at, total_ms, phases FROM session_start_metrics WHERE session_id = ? ORDER BY finished_at DESC LIMIT ?",
  )
    .bind(sessionId, limit)
    .all<{ kind: StartKind; ok: number; finished_at: number; total_ms: number; phases: string }>();
  return results.map((r) => {
    let phases: Record<string, number> = {};
    try {
      const parsed = JSON.parse(r.phases) as unknown;
      if (parsed && typeof parsed === "object") phases = parsed as Record<string, number>;
    } catch {
      // Stored by recordStart; a damaged row shows without phases.
    }
    return { kind: r.kind, ok: r.ok === 1, at: iso(r.finished_at) ?? "", totalMs: r.total_ms, phases };
  });
}
