import { type ShareAccess, shareAccessSchema } from "@burstflare/sdk/schemas/shares";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

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

const accessRow = rowOf(shareAccessSchema, { times: ["at"], flags: ["websocket"], columns: { at: "created_at" } });

/** The session's access log, newest first; optionally one link's. */
export async function listShareAccess(db: Db, sessionId: string, opts: { shareId?: string; limit: number }): Promise<ShareAccess[]> {
  const filter = opts.shareId ? " AND share_id = ?" : "";
  const binds: unknown[] = opts.shareId ? [sessionId, opts.shareId, opts.limit] : [sessionId, opts.limit];
  return db.all(
    accessRow,
    `SELECT id, share_id, user_id, email, method, path, websocket, outcome, reason, ip, user_agent, created_at
     FROM preview_share_access WHERE session_id = ?${filter} ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    ...binds,
  );
}
