import { type WorkspaceSummary, workspaceSummarySchema } from "@burstflare/sdk/schemas/auth";
import type { Plan, Workspace } from "@burstflare/sdk/schemas/workspaces";
import { ROLES } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";
import { iso } from "../lib/time";

/** A live workspace as one of its members sees it. */
const workspaceRecord = z.object({
  id: z.string(),
  name: z.string(),
  ownerId: z.string(),
  personal: z.boolean(),
  plan: z.string(),
  createdAt: z.number(),
  role: z.enum(ROLES),
});
export type WorkspaceRecord = z.infer<typeof workspaceRecord>;

export function toWorkspace(w: WorkspaceRecord, currentId: string | null): Workspace {
  return {
    id: w.id,
    name: w.name,
    personal: w.personal,
    plan: (["free", "pro", "team"].includes(w.plan) ? w.plan : "free") as Plan,
    ownerId: w.ownerId,
    role: w.role,
    current: w.id === currentId,
    createdAt: iso(w.createdAt) ?? "",
  };
}

const WorkspaceRow = rowOf(workspaceRecord, { flags: ["personal"] });

const SELECT_MINE = `SELECT w.id, w.name, w.owner_id, w.personal, w.plan, w.created_at, m.role
  FROM memberships m JOIN workspaces w ON w.id = m.workspace_id AND w.deleted_at IS NULL`;

/** The user's live workspaces, personal first, then oldest. */
export async function listWorkspacesOf(db: Db, userId: string): Promise<WorkspaceRecord[]> {
  return db.all(WorkspaceRow, `${SELECT_MINE} WHERE m.user_id = ? ORDER BY w.personal DESC, w.created_at ASC`, userId);
}

/** null when the workspace is gone or the user is not a member. */
export async function findWorkspaceOf(db: Db, userId: string, workspaceId: string): Promise<WorkspaceRecord | null> {
  return db.one(WorkspaceRow, `${SELECT_MINE} WHERE m.user_id = ? AND w.id = ?`, userId, workspaceId);
}

const SummaryRow = rowOf(workspaceSummarySchema, { flags: ["personal"] });

/** The short form shown with the signed-in user; null when the user is not a member. */
export async function findWorkspaceSummary(db: Db, workspaceId: string, userId: string): Promise<WorkspaceSummary | null> {
  return db.one(
    SummaryRow,
    `SELECT w.id, w.name, w.personal, m.role FROM workspaces w JOIN memberships m ON m.workspace_id = w.id AND m.user_id = ?
     WHERE w.id = ? AND w.deleted_at IS NULL`,
    userId,
    workspaceId,
  );
}

/**
 * Inserts the workspace and its owner's membership together, unless the owner already owns
 * `maxOwned` live workspaces; false when the limit held it back.
 */
export async function insertWorkspaceWithOwner(
  db: Db,
  w: { id: string; name: string; ownerId: string; personal: boolean; createdAt: number; maxOwned: number },
): Promise<boolean> {
  const [inserted] = await db.batch([
    db.statement(
      `INSERT INTO workspaces (id, name, owner_id, personal, plan, created_at, updated_at)
       SELECT ?, ?, ?, ?, 'free', ?, ? WHERE (SELECT COUNT(*) FROM workspaces WHERE owner_id = ? AND deleted_at IS NULL) < ?`,
      w.id,
      w.name,
      w.ownerId,
      w.personal ? 1 : 0,
      w.createdAt,
      w.createdAt,
      w.ownerId,
      w.maxOwned,
    ),
    db.statement(
      "INSERT INTO memberships (workspace_id, user_id, role, created_at) SELECT id, ?, 'owner', ? FROM workspaces WHERE id = ?",
      w.ownerId,
      w.createdAt,
      w.id,
    ),
  ]);
  return inserted === 1;
}

/** A personal workspace for a new account, for the sign-up batch. */
export const insertPersonalWorkspaceStatement = (
  db: Db,
  w: { id: string; name: string; ownerId: string; createdAt: number },
): D1PreparedStatement =>
  db.statement(
    "INSERT INTO workspaces (id, name, owner_id, personal, plan, created_at, updated_at) VALUES (?, ?, ?, 1, 'free', ?, ?)",
    w.id,
    w.name,
    w.ownerId,
    w.createdAt,
    w.createdAt,
  );

export async function countOwnedWorkspaces(db: Db, ownerId: string): Promise<number> {
  return db.count("SELECT COUNT(*) AS n FROM workspaces WHERE owner_id = ? AND deleted_at IS NULL", ownerId);
}

/** The user's live personal workspace other than `except`; null when there is none. */
export async function findPersonalWorkspaceId(db: Db, userId: string, except: string): Promise<string | null> {
  return db.value(
    "id",
    z.string(),
    "SELECT w.id FROM workspaces w JOIN memberships m ON m.workspace_id = w.id WHERE m.user_id = ? AND w.personal = 1 AND w.deleted_at IS NULL AND w.id != ?",
    userId,
    except,
  );
}

export async function renameWorkspace(db: Db, workspaceId: string, name: string, t: number): Promise<void> {
  await db.run("UPDATE workspaces SET name = ?, updated_at = ? WHERE id = ?", name, t, workspaceId);
}

export const setWorkspaceOwnerStatement = (db: Db, workspaceId: string, ownerId: string, t: number): D1PreparedStatement =>
  db.statement("UPDATE workspaces SET owner_id = ?, updated_at = ? WHERE id = ?", ownerId, t, workspaceId);

/** workspaces.owner_id names the primary owner; keep it pointing at someone who still is one. */
export async function syncWorkspaceOwnerId(db: Db, workspaceId: string): Promise<void> {
  await db.run(
    `UPDATE workspaces SET owner_id = (SELECT user_id FROM memberships WHERE workspace_id = ?1 AND role = 'owner' ORDER BY created_at LIMIT 1)
     WHERE id = ?1 AND owner_id NOT IN (SELECT user_id FROM memberships WHERE workspace_id = ?1 AND role = 'owner')`,
    workspaceId,
  );
}

/** The plan of a live workspace; null when there is none. */
export async function findLivePlan(db: Db, workspaceId: string): Promise<string | null> {
  return db.value("plan", z.string(), "SELECT plan FROM workspaces WHERE id = ? AND deleted_at IS NULL", workspaceId);
}

/** The plan of a workspace, deleted or not; null when there is none. */
export async function findPlan(db: Db, workspaceId: string): Promise<string | null> {
  return db.value("plan", z.string(), "SELECT plan FROM workspaces WHERE id = ?", workspaceId);
}

export async function setPlan(db: Db, workspaceId: string, plan: string, t: number): Promise<void> {
  await db.run("UPDATE workspaces SET plan = ?, updated_at = ? WHERE id = ?", plan, t, workspaceId);
}

/**
 * Marks the workspace, its sessions, templates and snapshots deleted and revokes its pending
 * invites and workspace-scoped API tokens, in one transaction.
 */
export async function softDeleteWorkspace(db: Db, workspaceId: string, t: number): Promise<void> {
  await db.batch([
    db.statement("UPDATE workspaces SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL", t, t, workspaceId),
    db.statement("UPDATE sessions SET deleted_at = ?, updated_at = ? WHERE workspace_id = ? AND deleted_at IS NULL", t, t, workspaceId),
    db.statement("UPDATE templates SET deleted_at = ?, updated_at = ? WHERE workspace_id = ? AND deleted_at IS NULL", t, t, workspaceId),
    db.statement("UPDATE snapshots SET deleted_at = ? WHERE workspace_id = ? AND deleted_at IS NULL", t, workspaceId),
    db.statement("UPDATE invites SET revoked_at = ? WHERE workspace_id = ? AND used_at IS NULL AND revoked_at IS NULL", t, workspaceId),
    db.statement("UPDATE api_tokens SET revoked_at = ? WHERE workspace_id = ? AND revoked_at IS NULL", t, workspaceId),
  ]);
}
