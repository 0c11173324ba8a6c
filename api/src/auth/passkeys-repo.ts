import { type Passkey, passkeySchema } from "@burstflare/sdk/schemas/auth";
import { z } from "zod";
import { type BoundedTable, insertBounded } from "../lib/bounded-rows-repo";
import type { Db } from "../lib/db";
import { columnsOf, rowOf } from "../lib/rows";

/** A stored WebAuthn credential: the contract's Passkey and what a sign-in verifies against. */
export interface StoredPasskey extends Passkey {
  userId: string;
  /** base64url COSE key */
  publicKey: string;
  counter: number;
  /** JSON array, as stored */
  transports: string | null;
}

/** A credential verified at registration, before it is stored. */
export interface NewPasskey {
  id: string;
  publicKey: string;
  counter: number;
  transports: string[] | undefined;
  deviceType: string;
  backedUp: boolean;
  name: string;
}

const COLUMNS = "id, user_id, public_key, counter, transports, device_type, backed_up, name, created_at, last_used_at";

const storedPasskey: z.ZodType<StoredPasskey> = rowOf(
  passkeySchema.extend({ userId: z.string(), publicKey: z.string(), counter: z.number(), transports: z.string().nullable() }),
  { flags: ["backedUp"], times: ["createdAt", "lastUsedAt"] },
);

/** A passkeys row: column → value. */
const passkeyRow = (userId: string, p: NewPasskey, t: number) =>
  columnsOf({ ...p, transports: p.transports ? JSON.stringify(p.transports) : null, userId, createdAt: t });

/** For the sign-up batch: a new account's first passkey, which no limit can refuse. */
export function insertPasskeyStatement(db: Db, userId: string, p: NewPasskey, t: number): D1PreparedStatement {
  const row = passkeyRow(userId, p, t);
  const columns = Object.keys(row);
  return db.statement(`INSERT INTO passkeys (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`, ...Object.values(row));
}

/** A user holds at most 20 passkeys (insertBounded, api/src/lib/bounded-rows-repo.ts). */
export const PASSKEY_BOUNDS = { table: "passkeys", owner: "user_id", maxLive: 20 } satisfies BoundedTable;

/**
 * Adds a passkey to an account unless it is at PASSKEY_BOUNDS.maxLive (false then); a passkey the
 * user already has fails with D1's UNIQUE error.
 */
export function insertPasskey(db: Db, userId: string, p: NewPasskey, t: number): Promise<boolean> {
  return insertBounded(db, PASSKEY_BOUNDS, passkeyRow(userId, p, t), t);
}

export async function findPasskey(db: Db, id: string): Promise<StoredPasskey | null> {
  return db.one(storedPasskey, `SELECT ${COLUMNS} FROM passkeys WHERE id = ?`, id);
}

/** The user's passkeys, oldest first. */
export async function listPasskeys(db: Db, userId: string): Promise<StoredPasskey[]> {
  return db.all(storedPasskey, `SELECT ${COLUMNS} FROM passkeys WHERE user_id = ? ORDER BY created_at`, userId);
}

/** null when the user has no such passkey. */
export async function renamePasskey(db: Db, userId: string, id: string, name: string): Promise<StoredPasskey | null> {
  return db.one(storedPasskey, `UPDATE passkeys SET name = ? WHERE id = ? AND user_id = ? RETURNING ${COLUMNS}`, name, id, userId);
}

/** Deletes the passkey unless it is the user's last one: "deleted", "last" or "missing". */
export async function deletePasskeyKeepingOne(db: Db, userId: string, id: string): Promise<"deleted" | "last" | "missing"> {
  const deleted = await db.returnsRow(
    "DELETE FROM passkeys WHERE id = ? AND user_id = ? AND (SELECT COUNT(*) FROM passkeys WHERE user_id = ?) > 1 RETURNING id",
    id,
    userId,
    userId,
  );
  if (deleted) return "deleted";
  const exists = await db.returnsRow("SELECT id FROM passkeys WHERE id = ? AND user_id = ?", id, userId);
  return exists ? "last" : "missing";
}

/** Records a sign-in's new counter; compare-and-set, so false when another assertion moved it first. */
export async function advancePasskeyCounter(
  db: Db,
  id: string,
  expectedCounter: number,
  next: { counter: number; backedUp: boolean; usedAt: number },
): Promise<boolean> {
  return db.returnsRow(
    "UPDATE passkeys SET counter = ?, backed_up = ?, last_used_at = ? WHERE id = ? AND counter = ? RETURNING id",
    next.counter,
    next.backedUp ? 1 : 0,
    next.usedAt,
    id,
    expectedCounter,
  );
}
