import { ApiError } from "@burstflare/sdk/errors";
import type { Member } from "@burstflare/sdk/schemas/workspaces";
import type { Role } from "@burstflare/sdk/states";
import type { AppBindings } from "../env";
import { dbOf, foundWithEnvDb, withEnvDb } from "../lib/db";
import { now } from "../lib/time";
import {
  countOwners,
  deleteMemberKeepingAnOwner,
  findMember,
  listMembers as listMemberRows,
  setRoleKeepingAnOwner,
  setRoleStatement,
} from "./members-repo";
import { movePointersOff } from "./store";
import { setWorkspaceOwnerStatement, syncWorkspaceOwnerId } from "./workspaces-repo";

export const listMembers = withEnvDb(listMemberRows);

export const getMember = foundWithEnvDb(findMember, "member");

/**
 * Role rules: only owners make or unmake owners (admins cannot touch an owner at all),
 * and the last owner cannot be demoted.
 */
export async function changeRole(
  env: AppBindings,
  workspaceId: string,
  actor: { userId: string; role: Role },
  targetUserId: string,
  role: Role,
): Promise<Member> {
  const db = dbOf(env);
  const target = await getMember(env, workspaceId, targetUserId);
  if ((target.role === "owner" || role === "owner") && actor.role !== "owner") {
    throw new ApiError("forbidden", "only owners can grant or change the owner role");
  }
  if (target.role === role) return target;
  if (target.role === "owner" && (await countOwners(db, workspaceId)) <= 1) {
    throw new ApiError("invalid_state", "cannot demote the last owner; make someone else owner first");
  }
  // Guarded in SQL too: two owners demoting each other at once cannot both win.
  if (!(await setRoleKeepingAnOwner(db, workspaceId, targetUserId, role)))
    throw new ApiError("invalid_state", "cannot demote the last owner");
  if (target.role === "owner") await syncWorkspaceOwnerId(db, workspaceId);
  return { ...target, role };
}

/** Removes a member (or, with actor === target, leaves). Never leaves a workspace without an owner. */
export async function removeMember(
  env: AppBindings,
  workspaceId: string,
  actor: { userId: string; role: Role },
  targetUserId: string,
): Promise<Member> {
  const db = dbOf(env);
  const target = await getMember(env, workspaceId, targetUserId);
  const self = actor.userId === targetUserId;
  if (!self && target.role === "owner" && actor.role !== "owner") {
    throw new ApiError("forbidden", "only owners can remove an owner");
  }
  if (!(await deleteMemberKeepingAnOwner(db, workspaceId, targetUserId))) {
    throw new ApiError(
      "invalid_state",
      self ? "you are the last owner: transfer ownership or delete the workspace instead" : "cannot remove the last owner",
    );
  }
  if (target.role === "owner") await syncWorkspaceOwnerId(db, workspaceId);
  await movePointersOff(env, targetUserId, workspaceId);
  return target;
}

/** Makes a member the owner; the previous owner stays on as admin. */
export async function transferOwnership(env: AppBindings, workspaceId: string, fromUserId: string, toUserId: string): Promise<Member> {
  if (fromUserId === toUserId) throw new ApiError("bad_request", "you already own this workspace");
  const db = dbOf(env);
  const target = await getMember(env, workspaceId, toUserId);
  await db.batch([
    setRoleStatement(db, workspaceId, toUserId, "owner"),
    setRoleStatement(db, workspaceId, fromUserId, "admin"),
    setWorkspaceOwnerStatement(db, workspaceId, toUserId, now()),
  ]);
  return { ...target, role: "owner" };
}
