import { type ApiToken, apiTokenSchema } from "@burstflare/sdk/schemas/auth";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

const COLUMNS = "id, name, prefix, workspace_id, created_at, last_used_at, expires_at";

const apiTokenRow = rowOf(apiTokenSchema, { times: ["createdAt", "lastUsedAt", "expiresAt"] });

/** The user's unrevoked, unexpired tokens (ordinary and scoped). */
export async function countActiveApiTokens(db: Db, userId: string, t: number): Promise<number> {
  return db.count(
    "SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
    userId,
    t,
  );
}

/**
 * Stores a token; only the secret's hash is kept. A scoped token is limited to one session (or,
 * with sessionId null, the workspace) and to comma-separated scopes; an ordinary one has neither.
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
): Promise<ApiToken> {
  const token = await db.one(
    apiTokenRow,
    `INSERT INTO api_tokens (id, user_id, workspace_id, name, token_hash, prefix, created_at, expires_at, session_id, scopes)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
    k.id,
    userId,
    k.workspaceId,
    k.name,
    k.tokenHash,
    k.prefix,
    k.createdAt,
    k.expiresAt,
    k.sessionId,
    k.scopes,
  );
  if (!token) throw new Error("INSERT … RETURNING gave no row");
  return token;
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
