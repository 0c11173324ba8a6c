import type { ShareAccess } from "@burstflare/sdk/schemas/shares";
import { z } from "zod";
import type { Db } from "../lib/db";
import { iso } from "../lib/time";

/** The share access log (preview_share_access): every statement on that table lives here. */

export interface NewShareAccess {
  id: string;
  shareId: string;
  sessionId: string;
  userId: string | null;
  email: string | null;
  method: string;
  path: string;
  websocket: boolean;
  outcome: "allowed" | "refused";
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  at: number;
}

/** Logs one request; an allowed one also bumps the link's counters in the same batch. */
export async function insertShareAccess(db: Db, e: NewShareAccess): Promise<void> {
  const insert = db.statement(
    `INSERT INTO preview_share_access (id, share_id, session_id, user_id, email, method, path, websocket, outcome, reason, ip, user_agent, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    e.id,
    e.shareId,
    e.sessionId,
    e.userId,
    e.email,
    e.method,
    e.path,
    e.websocket ? 1 : 0,
    e.outcome,
    e.reason,
    e.ip,
    e.userAgent,
    e.at,
  );
  if (e.outcome !== "allowed") {
    await db.batch([insert]);
    return;
  }
  await db.batch([
    insert,
    db.statement("UPDATE preview_shares SET access_count = access_count + 1, last_access_at = ? WHERE id = ?", e.at, e.shareId),
  ]);
}

const accessRow = z.object({
  id: z.string(),
  share_id: z.string(),
  user_id: z.string().nullable(),
  email: z.string().nullable(),
  method: z.string(),
  path: z.string(),
  websocket: z.number(),
  outcome: z.enum(["allowed", "refused"]),
  reason: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  created_at: z.number(),
});

/** The session's access log, newest first; optionally one link's. */
export async function listShareAccess(db: Db, sessionId: string, opts: { shareId?: string; limit: number }): Promise<ShareAccess[]> {
  const filter = opts.shareId ? " AND share_id = ?" : "";
  const binds: unknown[] = opts.shareId ? [sessionId, opts.shareId, opts.limit] : [sessionId, opts.limit];
  const rows = await db.all(
    accessRow,
    `SELECT id, share_id, user_id, email, method, path, websocket, outcome, reason, ip, user_agent, created_at
     FROM preview_share_access WHERE session_id = ?${filter} ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    ...binds,
  );
  return rows.map((r) => ({
    id: r.id,
    shareId: r.share_id,
    at: iso(r.created_at) ?? "",
    userId: r.user_id,
    email: r.email,
    method: r.method,
    path: r.path,
    websocket: r.websocket === 1,
    outcome: r.outcome,
    reason: r.reason,
    ip: r.ip,
    userAgent: r.user_agent,
  }));
}
