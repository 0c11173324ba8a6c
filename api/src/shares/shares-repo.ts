import { type Share, type ShareScope, type ShareStatus, shareSchema } from "@burstflare/sdk/schemas/shares";
import { ROLES, SESSION_STATES } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";
import { isoView, rowOf, withEpochTimes } from "../lib/rows";

/** Share links (preview_shares): every statement on that table lives here. */

const SHARE_TIMES = ["createdAt", "expiresAt", "revokedAt", "lastAccessAt"] as const;

/**
 * A share link: the contract's Share but for its status, with its workspace and times in epoch ms.
 * `toShare` is its view at a moment.
 */
const shareRecord = withEpochTimes(shareSchema.omit({ status: true }), SHARE_TIMES).extend({
  workspaceId: z.string(),
  /** null: the session's preview port. */
  port: z.number().nullable(),
});
export type ShareRecord = z.infer<typeof shareRecord>;

/** A share found by its token, with the state of its session as the gateway needs it. */
const shareWithSessionRecord = shareRecord.extend({
  sessionState: z.enum(SESSION_STATES),
  sessionDeletedAt: z.number().nullable(),
  sessionOwnerId: z.string(),
  /** The creator's role in the link's workspace now; null once they are no longer a member. */
  creatorRole: z.enum(ROLES).nullable(),
});
export type ShareWithSession = z.infer<typeof shareWithSessionRecord>;

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

const shareRow = rowOf(shareRecord, { decode: { emails: parseEmails } });

const shareWithSession = rowOf(shareWithSessionRecord, { decode: { emails: parseEmails } });

/** The link as the contract shows it at `at`. */
export function toShare(share: ShareRecord, at: number): Share {
  return isoView(shareSchema, SHARE_TIMES, { ...share, status: shareStatus(share, at) });
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
    rowOf(z.object({ id: z.string(), sessionId: z.string(), sessionOwnerId: z.string() }), { columns: { sessionOwnerId: "owner_id" } }),
    `SELECT p.id, p.session_id, s.owner_id FROM preview_shares p JOIN sessions s ON s.id = p.session_id
     WHERE p.workspace_id = ? AND p.created_by = ? AND p.revoked_at IS NULL AND p.expires_at > ? LIMIT ?`,
    workspaceId,
    userId,
    at,
    limit,
  );
}

/**
 * Running sessions whose `people` links name the user's email, revoked links aside (expired ones
 * included: a socket outlives its link's expiry). There a stranger to the workspace may hold
 * preview sockets through a visit grant naming one of their sign-ins or API tokens.
 */
export function runningSessionIdsNamingUser(db: Db, userId: string): Promise<string[]> {
  return db.values(
    "session_id",
    z.string(),
    `SELECT DISTINCT p.session_id FROM preview_shares p JOIN sessions s ON s.id = p.session_id, json_each(p.emails) e
     WHERE p.scope = 'people' AND p.revoked_at IS NULL AND s.state = 'running' AND s.deleted_at IS NULL
       AND e.value = (SELECT lower(email) FROM users WHERE id = ?)`,
    userId,
  );
}
