import { z } from "zod";
import { SHARE_SCOPES, type Share, type ShareScope, type ShareStatus } from "../../../sdk/schemas/shares";
import { SESSION_STATES } from "../../../sdk/states";
import type { Db } from "../lib/db";
import { iso } from "../lib/time";

/** Share links (preview_shares): every statement on that table lives here. */

const shareRow = z.object({
  id: z.string(),
  session_id: z.string(),
  workspace_id: z.string(),
  created_by: z.string(),
  created_by_email: z.string().nullable(),
  scope: z.enum(SHARE_SCOPES),
  emails: z.string(),
  label: z.string().nullable(),
  expires_at: z.number(),
  revoked_at: z.number().nullable(),
  created_at: z.number(),
  last_access_at: z.number().nullable(),
  access_count: z.number(),
  /** null: the session's preview port. */
  port: z.number().nullable(),
});
export type ShareRow = z.infer<typeof shareRow>;

/** A share found by its token, with the state of its session as the gateway needs it. */
const shareWithSession = shareRow.extend({
  session_state: z.enum(SESSION_STATES),
  session_deleted_at: z.number().nullable(),
});
export type ShareWithSession = z.infer<typeof shareWithSession>;

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

function shareStatus(row: Pick<ShareRow, "revoked_at" | "expires_at">, at: number): ShareStatus {
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

export async function insertShare(db: Db, s: NewShare): Promise<void> {
  await db.run(
    `INSERT INTO preview_shares (id, session_id, workspace_id, created_by, scope, emails, label, token_hash, expires_at, created_at, port)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
  );
}

/** The session's links, newest first, at most 200. */
export function listShareRows(db: Db, sessionId: string): Promise<ShareRow[]> {
  return db.all(shareRow, `${SELECT} WHERE p.session_id = ? ORDER BY p.created_at DESC LIMIT 200`, sessionId);
}

/** A share of this session; null for another session's. */
export function findShareRow(db: Db, sessionId: string, shareId: string): Promise<ShareRow | null> {
  return db.one(shareRow, `${SELECT} WHERE p.id = ? AND p.session_id = ?`, shareId, sessionId);
}

/** Revokes at once; revoking twice keeps the first time. */
export async function revokeShare(db: Db, shareId: string, by: string, at: number): Promise<void> {
  await db.run(
    "UPDATE preview_shares SET revoked_at = COALESCE(revoked_at, ?), revoked_by = COALESCE(revoked_by, ?) WHERE id = ?",
    at,
    by,
    shareId,
  );
}

export function findShareByTokenHash(db: Db, tokenHash: string): Promise<ShareWithSession | null> {
  return db.one(
    shareWithSession,
    `SELECT p.id, p.session_id, p.workspace_id, p.created_by, NULL AS created_by_email, p.scope, p.emails, p.label, p.expires_at,
       p.revoked_at, p.created_at, p.last_access_at, p.access_count, p.port, s.state AS session_state, s.deleted_at AS session_deleted_at
     FROM preview_shares p JOIN sessions s ON s.id = p.session_id WHERE p.token_hash = ?`,
    tokenHash,
  );
}
