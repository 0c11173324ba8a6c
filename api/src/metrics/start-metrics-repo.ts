import { z } from "zod";
import { type IntentFilter, whereOf } from "../intent/intents-repo";
import type { Db } from "../lib/db";

/** session_start_metrics: one row per boot (start or wake) with its phases. */

const KIND = z.enum(["start", "wake"]);
export type StartKind = z.infer<typeof KIND>;

/** One measured boot: its total and each phase's milliseconds. */
export interface StartMeasurement {
  sessionId: string;
  workspaceId: string;
  kind: StartKind;
  ok: boolean;
  startedAt: number;
  finishedAt: number;
  phases: Record<string, number>;
}

export const insertStartMetricStatement = (db: Db, id: string, m: StartMeasurement): D1PreparedStatement =>
  db.statement(
    `INSERT INTO session_start_metrics (id, session_id, workspace_id, kind, ok, started_at, finished_at, total_ms, phases)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    id,
    m.sessionId,
    m.workspaceId,
    m.kind,
    m.ok ? 1 : 0,
    m.startedAt,
    m.finishedAt,
    m.finishedAt - m.startedAt,
    JSON.stringify(m.phases),
  );

/** Boots finished since the filter's time (optionally of one workspace and/or session), at most `limit`. */
export async function listStartTotals(
  db: Db,
  filter: IntentFilter,
  limit: number,
): Promise<{ kind: StartKind; ok: boolean; totalMs: number }[]> {
  const w = whereOf(filter, "finished_at");
  const rows = await db.all(
    z.object({ kind: KIND, ok: z.number(), total_ms: z.number() }),
    `SELECT kind, ok, total_ms FROM session_start_metrics WHERE ${w.sql} LIMIT ${limit}`,
    ...w.binds,
  );
  return rows.map((r) => ({ kind: r.kind, ok: r.ok === 1, totalMs: r.total_ms }));
}

/** The session's latest boots, newest first; `phases` is the stored JSON text. */
export async function listRecentStarts(
  db: Db,
  sessionId: string,
  limit: number,
): Promise<{ kind: StartKind; ok: boolean; finishedAt: number; totalMs: number; phases: string }[]> {
  const rows = await db.all(
    z.object({ kind: KIND, ok: z.number(), finished_at: z.number(), total_ms: z.number(), phases: z.string() }),
    "SELECT kind, ok, finished_at, total_ms, phases FROM session_start_metrics WHERE session_id = ? ORDER BY finished_at DESC LIMIT ?",
    sessionId,
    limit,
  );
  return rows.map((r) => ({ kind: r.kind, ok: r.ok === 1, finishedAt: r.finished_at, totalMs: r.total_ms, phases: r.phases }));
}
