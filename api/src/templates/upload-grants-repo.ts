import { z } from "zod";
import type { Db } from "../lib/db";

/** Upload grants: one-use, short-lived permissions to PUT a version's bundle. */

const grantRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  version_id: z.string(),
  user_id: z.string(),
  max_bytes: z.number(),
  created_at: z.number(),
  expires_at: z.number(),
  used_at: z.number().nullable(),
});

export interface UploadGrantRecord {
  id: string;
  workspaceId: string;
  versionId: string;
  userId: string;
  maxBytes: number;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export async function insertGrant(db: Db, g: Omit<UploadGrantRecord, "usedAt">): Promise<void> {
  await db.run(
    "INSERT INTO upload_grants (id, workspace_id, version_id, user_id, max_bytes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    g.id,
    g.workspaceId,
    g.versionId,
    g.userId,
    g.maxBytes,
    g.createdAt,
    g.expiresAt,
  );
}

export async function findGrant(db: Db, id: string): Promise<UploadGrantRecord | null> {
  const row = await db.one(
    grantRow,
    "SELECT id, workspace_id, version_id, user_id, max_bytes, created_at, expires_at, used_at FROM upload_grants WHERE id = ?",
    id,
  );
  return row
    ? {
        id: row.id,
        workspaceId: row.workspace_id,
        versionId: row.version_id,
        userId: row.user_id,
        maxBytes: row.max_bytes,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        usedAt: row.used_at,
      }
    : null;
}

/** One conditional UPDATE, so two racing claims cannot both win; true for the winner. */
export async function markGrantUsed(db: Db, id: string, at: number): Promise<boolean> {
  return db.runOne("UPDATE upload_grants SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?", at, id, at);
}

export async function markGrantUnused(db: Db, id: string): Promise<void> {
  await db.run("UPDATE upload_grants SET used_at = NULL WHERE id = ?", id);
}
