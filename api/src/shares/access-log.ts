import type { ShareAccess } from "../../../sdk/schemas/shares";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { iso } from "../lib/time";

export interface AccessEntry {
  shareId: string;
  sessionId: string;
  userId: string | null;
  email: string | null;
  method: string;
  /** The path inside the preview (no token), with its query. */
  path: string;
  websocket: boolean;
  outcome: "allowed" | "refused";
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  at: number;
}

const MAX_PATH = 1024;
const MAX_USER_AGENT = 512;

/** One row per request that matched a link; an allowed one also bumps the link's counters. */
export async function logShareAccess(env: AppBindings, e: AccessEntry): Promise<void> {
  const insert = env.DB.prepare(
    `INSERT INTO preview_share_access (id, share_id, session_id, user_id, email, method, path, websocket, outcome, reason, ip, user_agent, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).bind(
    newId("sha"),
    e.shareId,
    e.sessionId,
    e.userId,
    e.email,
    e.method.slice(0, 16),
    e.path.slice(0, MAX_PATH),
    e.websocket ? 1 : 0,
    e.outcome,
    e.reason,
    e.ip,
    e.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
    e.at,
  );
  if (e.outcome !== "allowed") {
    await insert.run();
    return;
  }
  await env.DB.batch([
    insert,
    env.DB.prepare("UPDATE preview_shares SET access_count = access_count + 1, last_access_at = ? WHERE id = ?").bind(e.at, e.shareId),
  ]);
}

interface AccessRow {
  id: string;
  share_id: string;
  user_id: string | null;
  email: string | null;
  method: string;
  path: string;
  websocket: number;
  outcome: "allowed" | "refused";
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
}

/** The session's access log, newest first; optionally one link's. */
export async function listShareAccess(
  env: AppBindings,
  sessionId: string,
  opts: { shareId?: string; limit: number },
): Promise<ShareAccess[]> {
  const filter = opts.shareId ? " AND share_id = ?" : "";
  const binds: unknown[] = opts.shareId ? [sessionId, opts.shareId, opts.limit] : [sessionId, opts.limit];
  const { results } = await env.DB.prepare(
    `SELECT id, share_id, user_id, email, method, path, websocket, outcome, reason, ip, user_agent, created_at
     FROM preview_share_access WHERE session_id = ?${filter} ORDER BY created_at DESC, rowid DESC LIMIT ?`,
  )
    .bind(...binds)
    .all<AccessRow>();
  return results.map((r) => ({
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
