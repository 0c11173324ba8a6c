import { type SSHKey, sshKeySchema } from "@burstflare/sdk/schemas/auth";
import { z } from "zod";
import { type BoundedTable, insertBounded } from "../lib/bounded-rows-repo";
import type { Db } from "../lib/db";
import { columnsOf, rowOf } from "../lib/rows";

const SSHKeyRow = rowOf(sshKeySchema.omit({ keyType: true }), { flags: ["managed"], times: ["createdAt"] }).transform(
  ({ id, name, ...key }): SSHKey => ({ id, name, keyType: key.publicKey.split(" ")[0] ?? "", ...key }),
);

/** The user's keys, newest first. */
export async function listSSHKeys(db: Db, userId: string): Promise<SSHKey[]> {
  return db.all(
    SSHKeyRow,
    "SELECT id, name, public_key, fingerprint, managed, created_at FROM ssh_keys WHERE user_id = ? ORDER BY created_at DESC",
    userId,
  );
}

/** A user holds at most 50 SSH keys (insertBounded, api/src/lib/bounded-rows-repo.ts). */
export const SSH_KEY_BOUNDS = { table: "ssh_keys", owner: "user_id", maxLive: 50 } satisfies BoundedTable;

/** Stores a key unless the user is at SSH_KEY_BOUNDS.maxLive keys (null then); a key the user already has fails with D1's UNIQUE error. */
export async function insertSSHKey(
  db: Db,
  userId: string,
  k: { id: string; name: string; publicKey: string; fingerprint: string; managed: boolean; createdAt: number },
): Promise<SSHKey | null> {
  const row = { ...columnsOf(k), user_id: userId };
  return (await insertBounded(db, SSH_KEY_BOUNDS, row, k.createdAt)) ? SSHKeyRow.parse(row) : null;
}

/** The deleted key's fingerprint; null when the user has no such key. */
export async function deleteSSHKey(db: Db, userId: string, id: string): Promise<string | null> {
  return db.value("fingerprint", z.string(), "DELETE FROM ssh_keys WHERE id = ? AND user_id = ? RETURNING fingerprint", id, userId);
}
