import { ROLES, type Role } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";
import type { VisitHolder } from "./visit-grants";

/**
 * The reads that re-check a visit grant's visitor on every request: the credential behind the
 * grant still stands, and the visitor still may see what the grant names.
 */

/**
 * The SQL condition that the holder's credential still stands, and what it binds; `user` is the
 * column holding the visitor's id. An indexed primary-key lookup folded into the query that
 * re-checks the visitor's access anyway, so the check costs no extra D1 round trip.
 */
function liveCredential(holder: VisitHolder, user: string, at: number): { sql: string; binds: (string | number)[] } {
  if (holder.credential.kind === "api_token") {
    return {
      sql: `EXISTS (SELECT 1 FROM api_tokens g WHERE g.id = ? AND g.user_id = ${user} AND g.revoked_at IS NULL
              AND (g.expires_at IS NULL OR g.expires_at > ?))`,
      binds: [holder.credential.id, at],
    };
  }
  // A CLI sign-in's expires_at is its current access token's, renewed by refreshing: only
  // revocation (logout, logout-all, a reused refresh token) ends it.
  return {
    sql: `EXISTS (SELECT 1 FROM sign_ins g WHERE g.id = ? AND g.user_id = ${user} AND g.revoked_at IS NULL)`,
    binds: [holder.credential.id],
  };
}

/**
 * The holder's role in the live session's workspace (null when the session or the membership is
 * gone) and whether the credential behind the grant still stands, in one query.
 */
export async function roleOnSession(
  db: Db,
  sessionId: string,
  holder: VisitHolder,
  at: number,
): Promise<{ role: Role; live: boolean } | null> {
  const live = liveCredential(holder, "u.id", at);
  const row = await db.one(
    z.object({ role: z.enum(ROLES), live: z.number() }),
    `SELECT m.role, ${live.sql} AS live FROM sessions s
     JOIN workspaces w ON w.id = s.workspace_id AND w.deleted_at IS NULL
     JOIN memberships m ON m.workspace_id = s.workspace_id AND m.user_id = ?
     JOIN users u ON u.id = m.user_id AND u.deleted_at IS NULL
     WHERE s.id = ? AND s.deleted_at IS NULL`,
    ...live.binds,
    holder.userId,
    sessionId,
  );
  return row ? { role: row.role, live: row.live !== 0 } : null;
}

/** The holder's id and email while the user exists and the credential behind the grant stands. */
export async function liveVisitor(db: Db, holder: VisitHolder, at: number): Promise<{ userId: string; email: string } | null> {
  const live = liveCredential(holder, "u.id", at);
  const row = await db.one(
    z.object({ id: z.string(), email: z.string() }),
    `SELECT u.id, u.email FROM users u WHERE u.id = ? AND u.deleted_at IS NULL AND ${live.sql}`,
    holder.userId,
    ...live.binds,
  );
  return row ? { userId: row.id, email: row.email } : null;
}

/** True when the user is a member of the workspace and the workspace is not deleted. */
export async function isLiveWorkspaceMember(db: Db, workspaceId: string, userId: string): Promise<boolean> {
  return db.returnsRow(
    `SELECT 1 AS ok FROM memberships m JOIN workspaces w ON w.id = m.workspace_id AND w.deleted_at IS NULL
     WHERE m.workspace_id = ? AND m.user_id = ?`,
    workspaceId,
    userId,
  );
}
