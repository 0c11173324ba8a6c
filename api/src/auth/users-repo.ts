import { type User, userSchema } from "@burstflare/sdk/schemas/auth";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

/** A live user as the Worker uses it: the contract's User and the workspace they act in. */
interface UserRecord extends User {
  currentWorkspaceId: string | null;
}

const userRecord: z.ZodType<UserRecord> = rowOf(userSchema.extend({ currentWorkspaceId: z.string().nullable() }), {
  times: ["createdAt"],
});

const SELECT_USER = "SELECT id, email, name, current_workspace_id, created_at FROM users";

export async function findUser(db: Db, userId: string): Promise<UserRecord | null> {
  return db.one(userRecord, `${SELECT_USER} WHERE id = ? AND deleted_at IS NULL`, userId);
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | null> {
  return db.one(userRecord, `${SELECT_USER} WHERE email = ? AND deleted_at IS NULL`, email.toLowerCase());
}

export const insertUserStatement = (
  db: Db,
  u: { id: string; email: string; name: string | null; currentWorkspaceId: string; createdAt: number },
): D1PreparedStatement =>
  db.statement(
    "INSERT INTO users (id, email, name, current_workspace_id, created_at) VALUES (?, ?, ?, ?, ?)",
    u.id,
    u.email,
    u.name,
    u.currentWorkspaceId,
    u.createdAt,
  );

export const setCurrentWorkspaceStatement = (db: Db, userId: string, workspaceId: string): D1PreparedStatement =>
  db.statement("UPDATE users SET current_workspace_id = ? WHERE id = ?", workspaceId, userId);

/** Moves users whose current workspace is `from` to `to` (their personal one). */
export const moveCurrentWorkspaceStatement = (db: Db, userId: string, from: string, to: string | null): D1PreparedStatement =>
  db.statement("UPDATE users SET current_workspace_id = ? WHERE id = ? AND current_workspace_id = ?", to, userId, from);

/** The user's own workspace limit; null for the deployment default (or no such user). */
export async function findMaxOwnedWorkspaces(db: Db, userId: string): Promise<number | null> {
  return db.value("max_owned_workspaces", z.number().nullable(), "SELECT max_owned_workspaces FROM users WHERE id = ?", userId);
}

/** False when there is no such live user. */
export async function setMaxOwnedWorkspaces(db: Db, userId: string, max: number | null): Promise<boolean> {
  return db.returnsRow("UPDATE users SET max_owned_workspaces = ? WHERE id = ? AND deleted_at IS NULL RETURNING id", max, userId);
}
