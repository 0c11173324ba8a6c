import { type Secret, secretSchema } from "@burstflare/sdk/schemas/workspaces";
import { z } from "zod";
import { type BoundedTable, insertBounded } from "../lib/bounded-rows-repo";
import type { Db } from "../lib/db";
import { columnsOf, rowOf } from "../lib/rows";

/** workspace_secrets: values are sealed (AES-GCM) before they reach this module. */

/** A secret's name and timestamps, never its value. */
const secretInfo = rowOf(secretSchema, { times: ["createdAt", "updatedAt"] });

export async function listSecretInfo(db: Db, workspaceId: string): Promise<Secret[]> {
  return db.all(secretInfo, "SELECT name, created_at, updated_at FROM workspace_secrets WHERE workspace_id = ? ORDER BY name", workspaceId);
}

/** Every sealed secret of the workspace, by name. */
export async function listSealedSecrets(db: Db, workspaceId: string): Promise<{ name: string; ciphertext: string; iv: string }[]> {
  return db.all(
    z.object({ name: z.string(), ciphertext: z.string(), iv: z.string() }),
    "SELECT name, ciphertext, iv FROM workspace_secrets WHERE workspace_id = ? ORDER BY name",
    workspaceId,
  );
}

/** When the secret was first set; null when there is none. */
export async function findSecretCreatedAt(db: Db, workspaceId: string, name: string): Promise<number | null> {
  return db.value(
    "created_at",
    z.number(),
    "SELECT created_at FROM workspace_secrets WHERE workspace_id = ? AND name = ?",
    workspaceId,
    name,
  );
}

/**
 * A workspace holds at most 100 secrets; they all travel in every runtime's environment
 * (insertBounded, api/src/lib/bounded-rows-repo.ts).
 */
export const SECRET_BOUNDS = { table: "workspace_secrets", owner: "workspace_id", maxLive: 100 } satisfies BoundedTable;

/**
 * Creates the secret or replaces its value (a new row's timestamps are both `updatedAt`; a
 * replaced one keeps its created_at). Returns the API form with `createdAt` as the caller read it;
 * null when the name is new and the workspace is at SECRET_BOUNDS.maxLive secrets.
 */
export async function upsertSecret(
  db: Db,
  s: { id: string; workspaceId: string; name: string; ciphertext: string; iv: string; createdAt: number; updatedAt: number },
): Promise<Secret | null> {
  const row = { ...columnsOf(s), created_at: s.updatedAt };
  const replace = { key: ["workspace_id", "name"], update: ["ciphertext", "iv", "updated_at"] };
  if (!(await insertBounded(db, SECRET_BOUNDS, row, s.updatedAt, replace))) return null;
  return secretInfo.parse({ name: s.name, created_at: s.createdAt, updated_at: s.updatedAt });
}

/** False when there was no such secret. */
export async function deleteSecret(db: Db, workspaceId: string, name: string): Promise<boolean> {
  return db.runOne("DELETE FROM workspace_secrets WHERE workspace_id = ? AND name = ?", workspaceId, name);
}
