import type { Passkey } from "@burstflare/sdk/schemas/auth";
import { z } from "zod";
import type { Db } from "../lib/db";
import { iso } from "../lib/time";

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

const storedPasskey = z
  .object({
    id: z.string(),
    user_id: z.string(),
    public_key: z.string(),
    counter: z.number(),
    transports: z.string().nullable(),
    device_type: z.string().nullable(),
    backed_up: z.number(),
    name: z.string(),
    created_at: z.number(),
    last_used_at: z.number().nullable(),
  })
  .transform(
    (r): StoredPasskey => ({
      id: r.id,
      name: r.name,
      deviceType: r.device_type,
      backedUp: r.backed_up === 1,
      createdAt: iso(r.created_at) ?? "",
      lastUsedAt: iso(r.last_used_at),
      userId: r.user_id,
      publicKey: r.public_key,
      counter: r.counter,
      transports: r.transports,
    }),
  );

const INSERT_PASSKEY = `INSERT INTO passkeys (id, user_id, public_key, counter, transports, device_type, backed_up, name, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const insertBinds = (userId: string, p: NewPasskey, t: number): unknown[] => [
  p.id,
  userId,
  p.publicKey,
  p.counter,
  p.transports ? JSON.stringify(p.transports) : null,
  p.deviceType,
  p.backedUp ? 1 : 0,
  p.name,
  t,
];

/** For the sign-up batch. */
export const insertPasskeyStatement = (db: Db, userId: string, p: NewPasskey, t: number): D1PreparedStatement =>
  db.statement(INSERT_PASSKEY, ...insertBinds(userId, p, t));

/** A passkey the user already has fails with D1's UNIQUE error. */
export async function insertPasskey(db: Db, userId: string, p: NewPasskey, t: number): Promise<void> {
  await db.run(INSERT_PASSKEY, ...insertBinds(userId, p, t));
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
  const deleted = await db.one(
    z.object({ id: z.string() }),
    "DELETE FROM passkeys WHERE id = ? AND user_id = ? AND (SELECT COUNT(*) FROM passkeys WHERE user_id = ?) > 1 RETURNING id",
    id,
    userId,
    userId,
  );
  if (deleted) return "deleted";
  const exists = await db.one(z.object({ id: z.string() }), "SELECT id FROM passkeys WHERE id = ? AND user_id = ?", id, userId);
  return exists ? "last" : "missing";
}

/** Records a sign-in's new counter; compare-and-set, so false when another assertion moved it first. */
export async function advancePasskeyCounter(
  db: Db,
  id: string,
  expectedCounter: number,
  next: { counter: number; backedUp: boolean; usedAt: number },
): Promise<boolean> {
  const row = await db.one(
    z.object({ id: z.string() }),
    "UPDATE passkeys SET counter = ?, backed_up = ?, last_used_at = ? WHERE id = ? AND counter = ? RETURNING id",
    next.counter,
    next.backedUp ? 1 : 0,
    next.usedAt,
    id,
    expectedCounter,
  );
  return row !== null;
}
