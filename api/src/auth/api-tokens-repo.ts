import { type ApiToken, apiTokenSchema } from "@burstflare/sdk/schemas/auth";
import { z } from "zod";
import { type BoundedTable, insertBounded } from "../lib/bounded-rows-repo";
import type { Db } from "../lib/db";
import { columnsOf, rowOf } from "../lib/rows";

const COLUMNS = "id, name, prefix, workspace_id, created_at, last_used_at, expires_at";

const apiTokenRow = rowOf(apiTokenSchema, { times: ["createdAt", "lastUsedAt", "expiresAt"] });

/**
 * A user holds at most 50 live API tokens (ordinary and scoped together; neither revoked nor
 * expired). A dead token is never read again (the token list and every check ask for live ones), so
 * issuing a token deletes the user's dead ones: a create-and-revoke loop cannot grow the table.
 * Their audit rows stay (insertBounded, api/src/lib/bounded-rows-repo.ts).
 */
export const API_TOKEN_BOUNDS = {
  table: "api_tokens",
  owner: "user_id",
  ended: "revoked_at IS NOT NULL OR (expires_at IS NOT NULL AND expires_at <= {at})",
  maxLive: 50,
  keepEnded: 0,
} satisfies BoundedTable;

/**
 * Stores a token unless the user is at API_TOKEN_BOUNDS.maxLive live ones (null then); only the
 * secret's hash is kept. A scoped token is limited to one session (or, with sessionId null, the
 * workspace) and to comma-separated scopes; an ordinary one has neither.
 */
export async function insertApiToken(
  db: Db,
  userId: string,
  k: {
    id: string;
    name: string;
    tokenHash: string;
    prefix: string;
    workspaceId: string | null;
    createdAt: number;
    expiresAt: number | null;
    sessionId: string | null;
    scopes: string | null;
  },
): Promise<ApiToken | null> {
  const row = { ...columnsOf(k), user_id: userId };
  if (!(await insertBounded(db, API_TOKEN_BOUNDS, row, k.createdAt))) return null;
  return apiTokenRow.parse({ ...row, last_used_at: null });
}

/** The user's unrevoked, unexpired tokens, newest first. */
export async function listActiveApiTokens(db: Db, userId: string, t: number): Promise<ApiToken[]> {
  return db.all(
    apiTokenRow,
    `SELECT ${COLUMNS} FROM api_tokens
     WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC`,
    userId,
    t,
  );
}

/** False when the user has no such unrevoked token. */
export async function revokeApiToken(db: Db, userId: string, id: string, t: number): Promise<boolean> {
  return db.returnsRow(
    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id",
    t,
    id,
    userId,
  );
}

export async function touchApiToken(db: Db, id: string, t: number): Promise<void> {
  await db.run("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", t, id);
}

/** The workspace an API token was made for (the one it acts in); null for a token bound to none. */
export function apiTokenWorkspace(db: Db, tokenId: string): Promise<string | null> {
  return db.value("workspace_id", z.string().nullable(), "SELECT workspace_id FROM api_tokens WHERE id = ?", tokenId);
}
