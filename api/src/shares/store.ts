import type { Share, ShareScope, ShareStatus } from "../../../sdk/schemas/shares";
import type { Role, SessionState } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { notFound } from "../lib/errors";
import { iso } from "../lib/time";

export interface ShareRow {
  id: string;
  session_id: string;
  workspace_id: string;
  created_by: string;
  created_by_email: string | null;
  scope: ShareScope;
  emails: string;
  label: string | null;
  expires_at: number;
  revoked_at: number | null;
  created_at: number;
  last_access_at: number | null;
  access_count: number;
  /** null: the session's preview port. */
  port: number | null;
}

/** A share found by its token, with the state of its session as the gateway needs it. */
export interface ShareWithSession extends ShareRow {
  session_state: SessionState;
  session_deleted_at: number | null;
  /** The creator's role in the link's workspace now; null once they are no longer a member. */
  creator_role: Role | null;
}

const SELECT = `SELECT p.id, p.session_id, p.workspace_id, p.created_by, u.email AS created_by_email, p.scope, p.emails, p.label,
  p.expires_at, p.revoked_at, p.created_at, p.last_access_at, p.access_count, p.port
  FROM preview_shares p LEFT JOIN users u ON u.id = p.created_by`;

export function shareEmails(row: Pick<ShareRow, "emails">): string[] {
  try {
    const parsed = JSON.parse(row.emails) as unknown;
    return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === "string") : [];
  } catch {
    return [];
  }
}

export function shareStatus(row: Pick<ShareRow, "revoked_at" | "expires_at">, at: number): ShareStatus {
  if (row.revoked_at !== null) return "revoked";
  return row.expires_at <= at ? "expired" : "active";
}

export function toShare(row: ShareRow, at: number): Share {
  return {
    id: row.id,
    sessionId: row.session_id,
    scope: row.scope,
    emails: shareEmails(row),
    label: row.label,
    createdBy: row.created_by,
    createdByEmail: row.created_by_email,
    createdAt: iso(row.created_at) ?? "",
    expiresAt: iso(row.expires_at) ?? "",
    revokedAt: iso(row.revoked_at),
    status: shareStatus(row, at),
    lastAccessAt: iso(row.last_access_at),
    accessCount: row.access_count,
    port: row.port,
  };
}

export interface NewShare {
  id: string;
  sessionId: string;
  workspaceId: string;
  createdBy: string;
  scope: ShareScope;
  emails: string[];
  label: string | null;
  tokenHash: string;
  expiresAt: number;
  at: number;
  port?: number | null;
}

export async function insertShare(env: AppBindings, s: NewShare): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO preview_shares (id, session_id, workspace_id, created_by, scope, emails, label, token_hash, expires_at, created_at, port)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      s.id,
      s.sessionId,
      s.workspaceId,
      s.createdBy,
      s.scope,
      JSON.stringify(s.emails),
      s.label,
      s.tokenHash,
      s.expiresAt,
      s.at,
      s.port ?? null,
    )
    .run();
}

export async function listShareRows(env: AppBindings, sessionId: string): Promise<ShareRow[]> {
  const { results } = await env.DB.prepare(`${SELECT} WHERE p.session_id = ? ORDER BY p.created_at DESC LIMIT 200`)
    .bind(sessionId)
    .all<ShareRow>();
  return results;
}

/** A share of this session; another session's share answers 404. */
export async function requireShareRow(env: AppBindings, sessionId: string, shareId: string): Promise<ShareRow> {
  const row = await env.DB.prepare(`${SELECT} WHERE p.id = ? AND p.session_id = ?`).bind(shareId, sessionId).first<ShareRow>();
  if (!row) throw notFound("share link");
  return row;
}

/** Revokes at once; revoking twice keeps the first time. */
export async function revokeShare(env: AppBindings, shareId: string, by: string, at: number): Promise<void> {
  await env.DB.prepare("UPDATE preview_shares SET revoked_at = COALESCE(revoked_at, ?), revoked_by = COALESCE(revoked_by, ?) WHERE id = ?")
    .bind(at, by, shareId)
    .run();
}

/**
 * The link by its token, with its session's state and the role its creator holds in the link's
 * workspace today (null: they left, were removed or deleted), read in the same query.
 */
export function findShareByTokenHash(env: AppBindings, tokenHash: string): Promise<ShareWithSession | null> {
  return env.DB.prepare(
    `SELECT p.id, p.session_id, p.workspace_id, p.created_by, NULL AS created_by_email, p.scope, p.emails, p.label, p.expires_at,
       p.revoked_at, p.created_at, p.last_access_at, p.access_count, p.port, s.state AS session_state, s.deleted_at AS session_deleted_at,
       (SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id AND u.deleted_at IS NULL
         WHERE m.workspace_id = p.workspace_id AND m.user_id = p.created_by) AS creator_role
     FROM preview_shares p JOIN sessions s ON s.id = p.session_id WHERE p.token_hash = ?`,
  )
    .bind(tokenHash)
    .first<ShareWithSession>();
}
