import type { ApiToken } from "@burstflare/sdk/schemas/auth";
import { z } from "zod";
import type { Db } from "../lib/db";
import { iso } from "../lib/time";

const ApiTokenRow = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  workspace_id: z.string().nullable(),
  created_at: z.number(),
  last_used_at: z.number().nullable(),
  expires_at: z.number().nullable(),
});
type ApiTokenRow = z.infer<typeof ApiTokenRow>;

const toApiToken = (r: ApiTokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  workspaceId: r.workspace_id,
  createdAt: iso(r.created_at)!,
  lastUsedAt: iso(r.last_used_at),
  expiresAt: iso(r.expires_at),
});

/** The user's unrevoked, unexpired tokens (ordinary and scoped). */
export async function countActiveApiTokens(db: Db, userId: string, t: number): Promise<number> {
  const row = await db.one(
    z.object({ n: z.number() }),
    "SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
    userId,
    t,
  );
  return row?.n ?? 0;
}

/** An ordinary API token; only the secret's hash is stored. */
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
  },
): Promise<ApiToken> {
  await db.run(
    "INSERT INTO api_tokens (id, user_id, workspace_id, name, token_hash, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    k.id,
    userId,
    k.workspaceId,
    k.name,
    k.tokenHash,
    k.prefix,
    k.createdAt,
    k.expiresAt,
  );
  return toApiToken({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    workspace_id: k.workspaceId,
    created_at: k.createdAt,
    last_used_at: null,
    expires_at: k.expiresAt,
  });
}

/** A token limited to one session (or, with sessionId null, the workspace) and to comma-separated scopes. */
export async function insertScopedApiToken(
  db: Db,
  userId: string,
  k: {
    id: string;
    name: string;
    tokenHash: string;
    prefix: string;
    workspaceId: string;
    createdAt: number;
    expiresAt: number;
    sessionId: string | null;
    scopes: string;
  },
): Promise<void> {
  await db.run(
    `INSERT INTO api_tokens (id, user_id, workspace_id, name, token_hash, prefix, created_at, expires_at, session_id, scopes)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
}

/** The user's unrevoked, unexpired tokens, newest first. */
export async function listActiveApiTokens(db: Db, userId: string, t: number): Promise<ApiToken[]> {
  const rows = await db.all(
    ApiTokenRow,
    `SELECT id, name, prefix, workspace_id, created_at, last_used_at, expires_at FROM api_tokens
     WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC`,
    userId,
    t,
  );
  return rows.map(toApiToken);
}

/** False when the user has no such unrevoked token. */
export async function revokeApiToken(db: Db, userId: string, id: string, t: number): Promise<boolean> {
  const row = await db.one(
    z.object({ id: z.string() }),
    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id",
    t,
    id,
    userId,
  );
  return row !== null;
}

export async function touchApiToken(db: Db, id: string, t: number): Promise<void> {
  await db.run("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", t, id);
}
