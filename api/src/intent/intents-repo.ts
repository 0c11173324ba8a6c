import { SESSION_STATES, type SessionState } from "@burstflare/sdk/states";
import { z } from "zod";
import { type Db, givenConditions } from "../lib/db";
import { rowOf } from "../lib/rows";

/** session_intents: when a surface fired, and when its session became ready and was reached. */

/** The user's most recently used live session in the workspace that is marked for start on intent. */
export async function findMostRecentMarkedSession(
  db: Db,
  workspaceId: string,
  userId: string,
): Promise<{ id: string; state: SessionState; startOnIntent: boolean } | null> {
  return db.one(
    rowOf(z.object({ id: z.string(), state: z.enum(SESSION_STATES), startOnIntent: z.boolean() }), { flags: ["startOnIntent"] }),
    `SELECT id, state, start_on_intent FROM sessions
     WHERE workspace_id = ? AND owner_id = ? AND deleted_at IS NULL AND start_on_intent = 1
     ORDER BY COALESCE(last_active_at, updated_at) DESC LIMIT 1`,
    workspaceId,
    userId,
  );
}

/** An intent that started a wake. */
export async function insertWakingIntent(
  db: Db,
  i: { id: string; userId: string; workspaceId: string; sessionId: string; surface: string; firedAt: number },
): Promise<void> {
  await db.run(
    "INSERT INTO session_intents (id, user_id, workspace_id, session_id, surface, action, fired_at) VALUES (?, ?, ?, ?, ?, 'waking', ?)",
    i.id,
    i.userId,
    i.workspaceId,
    i.sessionId,
    i.surface,
    i.firedAt,
  );
}

/** Stamps connected_at on the session's waking intents fired since `firedSince` that had no connect yet. */
export async function markIntentsConnected(db: Db, sessionId: string, t: number, firedSince: number): Promise<void> {
  await db.run(
    "UPDATE session_intents SET connected_at = ? WHERE session_id = ? AND action = 'waking' AND connected_at IS NULL AND fired_at >= ?",
    t,
    sessionId,
    firedSince,
  );
}

/** Stamps ready_at on the session's waking intents fired within [firedFrom, firedTo], for the caller's batch. */
export const markIntentsReadyStatement = (
  db: Db,
  sessionId: string,
  readyAt: number,
  firedFrom: number,
  firedTo: number,
): D1PreparedStatement =>
  db.statement(
    "UPDATE session_intents SET ready_at = ? WHERE session_id = ? AND action = 'waking' AND ready_at IS NULL AND fired_at <= ? AND fired_at >= ?",
    readyAt,
    sessionId,
    firedTo,
    firedFrom,
  );

const intentTiming = z.object({ firedAt: z.number(), readyAt: z.number().nullable(), connectedAt: z.number().nullable() });

/** Waking intents matching the filter, at most `limit`. */
export async function listWakingIntentTimings(db: Db, filter: IntentFilter, limit: number): Promise<z.infer<typeof intentTiming>[]> {
  const w = whereOf(filter, "fired_at");
  return db.all(
    rowOf(intentTiming),
    `SELECT fired_at, ready_at, connected_at FROM session_intents WHERE ${w.sql} AND action = 'waking' LIMIT ${limit}`,
    ...w.binds,
  );
}

/** Rows since a time, optionally of one workspace and/or session. */
export interface IntentFilter {
  sinceMs: number;
  workspaceId?: string;
  sessionId?: string;
}

/** The WHERE clause for an IntentFilter over a table with workspace_id and session_id columns. */
export function whereOf(filter: IntentFilter, timeColumn: string): { sql: string; binds: unknown[] } {
  const { parts, binds } = givenConditions([
    ["workspace_id = ?", filter.workspaceId],
    ["session_id = ?", filter.sessionId],
  ]);
  return { sql: [`${timeColumn} >= ?`, ...parts].join(" AND "), binds: [filter.sinceMs, ...binds] };
}
