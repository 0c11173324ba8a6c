import { type SSHKey, sshKeySchema } from "@burstflare/sdk/schemas/auth";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

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

export async function countSSHKeys(db: Db, userId: string): Promise<number> {
  return db.count("SELECT COUNT(*) AS n FROM ssh_keys WHERE user_id = ?", userId);
}

/** Stores a key; a key the user already has fails with D1's UNIQUE error. */
export async function insertSSHKey(
  db: Db,
  userId: string,
  k: { id: string; name: string; publicKey: string; fingerprint: string; managed: boolean; createdAt: number },
): Promise<SSHKey> {
  const key = await db.one(
    SSHKeyRow,
    `INSERT INTO ssh_keys (id, user_id, name, public_key, fingerprint, managed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     RETURNING id, name, public_key, fingerprint, managed, created_at`,
    k.id,
    userId,
    k.name,
    k.publicKey,
    k.fingerprint,
    k.managed ? 1 : 0,
    k.createdAt,
  );
  if (!key) throw new Error("INSERT … RETURNING gave no row");
  return key;
}

/** The deleted key's fingerprint; null when the user has no such key. */
export async function deleteSSHKey(db: Db, userId: string, id: string): Promise<string | null> {
  return db.value("fingerprint", z.string(), "DELETE FROM ssh_keys WHERE id = ? AND user_id = ? RETURNING fingerprint", id, userId);
}
