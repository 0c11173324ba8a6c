import { type Share, type ShareScope, type ShareStatus, shareSchema } from "@burstflare/sdk/schemas/shares";
import { ROLES, SESSION_STATES } from "@burstflare/sdk/states";
import { z } from "zod";
import { type BoundedTable, insertBounded } from "../lib/bounded-rows-repo";
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

/**
 * A session holds at most 100 live links (neither revoked nor expired) and keeps the newest 100
 * that ended, with their access log (insertBounded, api/src/lib/bounded-rows-repo.ts).
 */
export const SHARE_BOUNDS = {
  table: "preview_shares",
  owner: "session_id",
  ended: "revoked_at IS NOT NULL OR expires_at <= {at}",
  maxLive: 100,
  keepEnded: 100,
} satisfies BoundedTable;

/** Stores the link unless its session is at SHARE_BOUNDS.maxLive live ones; false when refused. */
export function insertShare(db: Db, s: NewShare): Promise<boolean> {
  const row = {
    id: s.id,
    session_id: s.sessionId,
    workspace_id: s.workspaceId,
    created_by: s.createdBy,
    scope: s.scope,
    emails: JSON.stringify(s.emails),
    label: s.label,
    token_hash: s.tokenHash,
    expires_at: s.expiresAt,
    created_at: s.at,
    port: s.port ?? null,
  };
  return insertBounded(db, SHARE_BOUNDS, row, s.at);
}

/** The session's links, newest first: all of them, since insertShare keeps them within SHARE_BOUNDS. */
export async function listShares(db: Db, sessionId: string): Promise<ShareRecord[]> {
  return db.all(
    shareRow,
    `${SELECT} WHERE p.session_id = ? ORDER BY p.created_at DESC, p.rowid DESC LIMIT ?`,
    sessionId,
    SHARE_BOUNDS.maxLive + SHARE_BOUNDS.keepEnded,
  );
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
