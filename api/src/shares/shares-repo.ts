import { SHARE_SCOPES, type Share, type ShareScope, type ShareStatus } from "@burstflare/sdk/schemas/shares";
import { ROLES, type Role, SESSION_STATES, type SessionState } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";
import { iso } from "../lib/time";

/** Share links (preview_shares): every statement on that table lives here. */

const shareColumns = z.object({
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
type ShareColumns = z.infer<typeof shareColumns>;

/** A share link; times in epoch ms. `toShare` is its view at a moment (the status depends on it). */
export interface ShareRecord {
  id: string;
  sessionId: string;
  workspaceId: string;
  createdBy: string;
  createdByEmail: string | null;
  scope: ShareScope;
  emails: string[];
  label: string | null;
  expiresAt: number;
  revokedAt: number | null;
  createdAt: number;
  lastAccessAt: number | null;
  accessCount: number;
  /** null: the session's preview port. */
  port: number | null;
}

const shareWithSessionColumns = shareColumns.extend({
  session_state: z.enum(SESSION_STATES),
  session_deleted_at: z.number().nullable(),
  session_owner_id: z.string(),
  creator_role: z.enum(ROLES).nullable(),
});

/** A share found by its token, with the state of its session as the gateway needs it. */
export interface ShareWithSession extends ShareRecord {
  sessionState: SessionState;
  sessionDeletedAt: number | null;
  sessionOwnerId: string;
  /** The creator's role in the link's workspace now; null once they are no longer a member. */
  creatorRole: Role | null;
}

const SELECT = `SELECT p.id, p.session_id, p.workspace_id, p.created_by, u.email AS created_by_email, p.scope, p.emails, p.label,
  p.expires_at, p.revoked_at, p.created_at, p.last_access_at, p.access_count, p.port
  FROM preview_shares p LEFT JOIN users u ON u.id = p.created_by`;

function parseEmails(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === "string") : [];
  } catch {
    return [];
  }
}

function shareStatus(share: Pick<ShareRecord, "revokedAt" | "expiresAt">, at: number): ShareStatus {
  if (share.revokedAt !== null) return "revoked";
  return share.expiresAt <= at ? "expired" : "active";
}

/** The part of the row both schemas below share, as a record. */
function toRecord(row: ShareColumns): ShareRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    workspaceId: row.workspace_id,
    createdBy: row.created_by,
    createdByEmail: row.created_by_email,
    scope: row.scope,
    emails: parseEmails(row.emails),
    label: row.label,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    lastAccessAt: row.last_access_at,
    accessCount: row.access_count,
    port: row.port,
  };
}

const shareRow = shareColumns.transform(toRecord);

const shareWithSession = shareWithSessionColumns.transform(
  (row): ShareWithSession => ({
    ...toRecord(row),
    sessionState: row.session_state,
    sessionDeletedAt: row.session_deleted_at,
    sessionOwnerId: row.session_owner_id,
    creatorRole: row.creator_role,
  }),
);

/** The link as the contract shows it at `at`. */
export function toShare(share: ShareRecord, at: number): Share {
  return {
    id: share.id,
    sessionId: share.sessionId,
    scope: share.scope,
    emails: share.emails,
    label: share.label,
    createdBy: share.createdBy,
    createdByEmail: share.createdByEmail,
    createdAt: iso(share.createdAt) ?? "",
    expiresAt: iso(share.expiresAt) ?? "",
    revokedAt: iso(share.revokedAt),
    status: shareStatus(share, at),
    lastAccessAt: iso(share.lastAccessAt),
    accessCount: share.accessCount,
    port: share.port,
  };
}

interface NewShare {
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
export async function listShares(db: Db, sessionId: string): Promise<ShareRecord[]> {
  return db.all(shareRow, `${SELECT} WHERE p.session_id = ? ORDER BY p.created_at DESC LIMIT 200`, sessionId);
}

/** A share of this session; null for another session's. */
export async function findShare(db: Db, sessionId: string, shareId: string): Promise<ShareRecord | null> {
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

/**
 * The link by its token, with its session's state and the role its creator holds in the link's
 * workspace today (null: they left, were removed or deleted), read in the same query.
 */
export async function findShareByTokenHash(db: Db, tokenHash: string): Promise<ShareWithSession | null> {
  return db.one(
    shareWithSession,
    `SELECT p.id, p.session_id, p.workspace_id, p.created_by, NULL AS created_by_email, p.scope, p.emails, p.label, p.expires_at,
       p.revoked_at, p.created_at, p.last_access_at, p.access_count, p.port, s.state AS session_state, s.deleted_at AS session_deleted_at,
       s.owner_id AS session_owner_id,
       (SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id AND u.deleted_at IS NULL
         WHERE m.workspace_id = p.workspace_id AND m.user_id = p.created_by) AS creator_role
     FROM preview_shares p JOIN sessions s ON s.id = p.session_id WHERE p.token_hash = ?`,
    tokenHash,
  );
}

/** The live links a member made in a workspace (at most `limit`), with their sessions. */
export function listLiveLinksOfCreator(
  db: Db,
  workspaceId: string,
  userId: string,
  at: number,
  limit: number,
): Promise<{ id: string; sessionId: string; sessionOwnerId: string }[]> {
  return db.all(
    z
      .object({ id: z.string(), session_id: z.string(), owner_id: z.string() })
      .transform((r) => ({ id: r.id, sessionId: r.session_id, sessionOwnerId: r.owner_id })),
    `SELECT p.id, p.session_id, s.owner_id FROM preview_shares p JOIN sessions s ON s.id = p.session_id
     WHERE p.workspace_id = ? AND p.created_by = ? AND p.revoked_at IS NULL AND p.expires_at > ? LIMIT ?`,
    workspaceId,
    userId,
    at,
    limit,
  );
}
