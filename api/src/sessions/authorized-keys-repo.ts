import { z } from "zod";
import type { Db } from "../lib/db";

/**
 * The one read of ssh_keys the runtime path needs: a user's registered OpenSSH public keys,
 * oldest first. (Managing the keys belongs to the account routes.)
 */
export async function listUserPublicKeys(db: Db, userId: string): Promise<string[]> {
  return db.values("public_key", z.string(), "SELECT public_key FROM ssh_keys WHERE user_id = ? ORDER BY created_at", userId);
}
