import { ROLES } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";

/**
 * The caller behind a credential, in one query: the sign-in or API token, its user, whether the
 * user proved their current email (operator rights rest on it), and the membership the request
 * acts in, chosen as resolveMembership chooses it: the credential's workspace, else the user's
 * current one, else personal first, then oldest. An API token bound to a workspace acts only
 * there: once its user leaves that workspace the token matches no row (401) instead of falling
 * back to another of the user's workspaces.
 */
const MEMBERSHIP_JOIN = `JOIN memberships m ON m.user_id = u.id
  JOIN workspaces w ON w.id = m.workspace_id AND w.deleted_at IS NULL`;
const MEMBERSHIP_ORDER = (preferred: string) =>
  `ORDER BY (m.workspace_id = ${preferred}) DESC, (m.workspace_id = u.current_workspace_id) DESC, w.personal DESC, m.created_at ASC LIMIT 1`;
/** 1 when user `u` has proven its current email. */
const EMAIL_PROVEN_SQL = "EXISTS (SELECT 1 FROM email_proofs p WHERE p.user_id = u.id AND p.email = u.email)";

const PrincipalRow = z
  .object({
    id: z.string(),
    user_id: z.string(),
    email: z.string(),
    touched_at: z.number().nullable(),
    member_workspace_id: z.string(),
    role: z.enum(ROLES),
    email_proven: z.number(),
    session_id: z.string().nullable().optional(),
    scopes: z.string().nullable().optional(),
    expires_at: z.number().nullable().optional(),
  })
  .transform(
    (r): PrincipalRecord => ({
      id: r.id,
      userId: r.user_id,
      email: r.email,
      touchedAt: r.touched_at,
      workspaceId: r.member_workspace_id,
      role: r.role,
      emailProven: r.email_proven === 1,
      sessionId: r.session_id ?? null,
      scopes: r.scopes ?? null,
      expiresAt: r.expires_at ?? null,
    }),
  );

interface PrincipalRecord {
  /** The sign-in's or API token's id. */
  id: string;
  userId: string;
  email: string;
  /** When the credential was last used (recorded at most once a minute). */
  touchedAt: number | null;
  workspaceId: string;
  role: (typeof ROLES)[number];
  emailProven: boolean;
  /** Scoped API tokens only. */
  sessionId: string | null;
  scopes: string | null;
  /** An API token's fixed expiry; null for a token without one and for a sign-in (whose expiry moves on each refresh). */
  expiresAt: number | null;
}

/** A live, unexpired API token's principal. */
export async function findApiTokenPrincipal(db: Db, tokenHash: string, t: number): Promise<PrincipalRecord | null> {
  return db.one(
    PrincipalRow,
    `SELECT t.id, t.user_id, u.email, t.last_used_at AS touched_at, m.workspace_id AS member_workspace_id, m.role, t.session_id, t.scopes, t.expires_at,
            ${EMAIL_PROVEN_SQL} AS email_proven
     FROM api_tokens t JOIN users u ON u.id = t.user_id ${MEMBERSHIP_JOIN}
     WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.deleted_at IS NULL
       AND (t.workspace_id IS NULL OR m.workspace_id = t.workspace_id)
     ${MEMBERSHIP_ORDER("t.workspace_id")}`,
    tokenHash,
    t,
  );
}

/** A live, unexpired sign-in's principal (cookie or CLI access token). */
export async function findSignInPrincipal(db: Db, tokenHash: string, t: number): Promise<PrincipalRecord | null> {
  return db.one(
    PrincipalRow,
    `SELECT s.id, s.user_id, u.email, s.last_seen_at AS touched_at, m.workspace_id AS member_workspace_id, m.role,
            ${EMAIL_PROVEN_SQL} AS email_proven
     FROM sign_ins s JOIN users u ON u.id = s.user_id ${MEMBERSHIP_JOIN}
     WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.deleted_at IS NULL
     ${MEMBERSHIP_ORDER("s.workspace_id")}`,
    tokenHash,
    t,
  );
}
