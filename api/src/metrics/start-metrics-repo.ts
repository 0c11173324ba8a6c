import { z } from "zod";
import { type IntentFilter, whereOf } from "../intent/intents-repo";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

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

const startTotal = z.object({ kind: KIND, ok: z.boolean(), totalMs: z.number() });
const recentStart = z.object({ kind: KIND, ok: z.boolean(), finishedAt: z.number(), totalMs: z.number(), phases: z.string() });

/** Boots finished since the filter's time (optionally of one workspace and/or session), at most `limit`. */
export async function listStartTotals(db: Db, filter: IntentFilter, limit: number): Promise<z.infer<typeof startTotal>[]> {
  const w = whereOf(filter, "finished_at");
  return db.all(
    rowOf(startTotal, { flags: ["ok"] }),
    `SELECT kind, ok, total_ms FROM session_start_metrics WHERE ${w.sql} LIMIT ${limit}`,
    ...w.binds,
  );
}

/** The session's latest boots, newest first; `phases` is the stored JSON text. */
export async function listRecentStarts(db: Db, sessionId: string, limit: number): Promise<z.infer<typeof recentStart>[]> {
  return db.all(
    rowOf(recentStart, { flags: ["ok"] }),
    "SELECT kind, ok, finished_at, total_ms, phases FROM session_start_metrics WHERE session_id = ? ORDER BY finished_at DESC LIMIT ?",
    sessionId,
    limit,
  );
}
