import { type Member, memberSchema } from "@burstflare/sdk/schemas/workspaces";
import { ROLES, type Role } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

const MemberRow = rowOf(memberSchema, { times: ["joinedAt"], columns: { joinedAt: "created_at" } });

/** Members with a live account, owners first, then admins, members, viewers; oldest first within a role. */
export async function listMembers(db: Db, workspaceId: string): Promise<Member[]> {
  return db.all(
    MemberRow,
    `SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.workspace_id = ? AND u.deleted_at IS NULL
     ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, m.created_at`,
    workspaceId,
  );
}

export async function findMember(db: Db, workspaceId: string, userId: string): Promise<Member | null> {
  return db.one(
    MemberRow,
    `SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.workspace_id = ? AND m.user_id = ? AND u.deleted_at IS NULL`,
    workspaceId,
    userId,
  );
}

/** The member's role, whether or not their account is live; null when not a member. */
export async function findRole(db: Db, workspaceId: string, userId: string): Promise<Role | null> {
  return db.value("role", z.enum(ROLES), "SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?", workspaceId, userId);
}

export async function countOwners(db: Db, workspaceId: string): Promise<number> {
  return db.count("SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = ? AND role = 'owner'", workspaceId);
}

/** The user ids of every membership of the workspace. */
export async function listMemberIds(db: Db, workspaceId: string): Promise<string[]> {
  return db.values("user_id", z.string(), "SELECT user_id FROM memberships WHERE workspace_id = ?", workspaceId);
}

/** Changes a role unless that would demote the last owner; false when it would. */
export async function setRoleKeepingAnOwner(db: Db, workspaceId: string, userId: string, role: Role): Promise<boolean> {
  return db.runOne(
    `UPDATE memberships SET role = ? WHERE workspace_id = ? AND user_id = ?
     AND (role != 'owner' OR (SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND role = 'owner') > 1)`,
    role,
    workspaceId,
    userId,
    workspaceId,
  );
}

/** Removes a membership unless it is the last owner's; false when it is. */
export async function deleteMemberKeepingAnOwner(db: Db, workspaceId: string, userId: string): Promise<boolean> {
  return db.runOne(
    `DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?
     AND (role != 'owner' OR (SELECT COUNT(*) FROM memberships WHERE workspace_id = ? AND role = 'owner') > 1)`,
    workspaceId,
    userId,
    workspaceId,
  );
}

export const setRoleStatement = (db: Db, workspaceId: string, userId: string, role: Role): D1PreparedStatement =>
  db.statement("UPDATE memberships SET role = ? WHERE workspace_id = ? AND user_id = ?", role, workspaceId, userId);

export const insertMemberStatement = (db: Db, workspaceId: string, userId: string, role: Role, t: number): D1PreparedStatement =>
  db.statement("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)", workspaceId, userId, role, t);

/** The user's live memberships with their current workspace, personal first, then oldest. */
export async function listMembershipsForPick(
  db: Db,
  userId: string,
): Promise<{ workspaceId: string; role: Role; currentWorkspaceId: string | null }[]> {
  return db.all(
    rowOf(z.object({ workspaceId: z.string(), role: z.enum(ROLES), currentWorkspaceId: z.string().nullable() })),
    `SELECT m.workspace_id, m.role, u.current_workspace_id FROM memberships m
     JOIN workspaces w ON w.id = m.workspace_id AND w.deleted_at IS NULL
     JOIN users u ON u.id = m.user_id
     WHERE m.user_id = ? ORDER BY w.personal DESC, m.created_at ASC`,
    userId,
  );
}
