import { ApiError } from "@burstflare/sdk/errors";
import { moveSignInsWorkspaceStatement, setSignInWorkspaceStatement } from "../auth/sign-ins-repo";
import { findMaxOwnedWorkspaces, moveCurrentWorkspaceStatement, setCurrentWorkspaceStatement } from "../auth/users-repo";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf, foundWithEnvDb, withEnvDb } from "../lib/db";
import { now } from "../lib/time";
import { listMemberIds } from "./members-repo";
import {
  countOwnedWorkspaces,
  findPersonalWorkspaceId,
  findWorkspaceOf,
  insertWorkspaceWithOwner,
  listWorkspacesOf,
  softDeleteWorkspace,
  type WorkspaceRecord,
} from "./workspaces-repo";

export { toWorkspace, type WorkspaceRecord } from "./workspaces-repo";

export const listWorkspacesFor = withEnvDb(listWorkspacesOf);

/** The workspace as the user sees it; 404 when they are not a member, so existence does not leak. */
export const getWorkspaceFor = foundWithEnvDb(findWorkspaceOf, "workspace");

/** Used at sign-up (personal workspace) and by POST /api/workspaces, which passes the owner's limit. */
export async function createWorkspace(
  env: AppBindings,
  opts: { ownerId: string; name: string; personal?: boolean; maxOwned?: number },
): Promise<WorkspaceRecord> {
  const db = dbOf(env);
  const id = newId("ws");
  const t = now();
  const personal = opts.personal ?? false;
  // The count and the insert are one statement, so parallel creates cannot pass the limit together.
  const inserted = await insertWorkspaceWithOwner(db, {
    id,
    name: opts.name,
    ownerId: opts.ownerId,
    personal,
    createdAt: t,
    maxOwned: opts.maxOwned ?? Number.MAX_SAFE_INTEGER,
  });
  if (!inserted) {
    const owned = await countOwnedWorkspaces(db, opts.ownerId);
    throw new ApiError(
      "quota_exceeded",
      `you may own at most ${opts.maxOwned} workspaces; delete one or ask an operator to raise the limit`,
      {
        details: { limit: "ownedWorkspaces", max: opts.maxOwned, current: owned },
      },
    );
  }
  return { id, name: opts.name, ownerId: opts.ownerId, personal, plan: "free", createdAt: t, role: "owner" };
}

/** Points the user's default and (if any) this sign-in at a workspace. */
export async function setCurrentWorkspace(env: AppBindings, userId: string, workspaceId: string, signInId: string | null): Promise<void> {
  const db = dbOf(env);
  const stmts = [setCurrentWorkspaceStatement(db, userId, workspaceId)];
  if (signInId) stmts.push(setSignInWorkspaceStatement(db, signInId, userId, workspaceId));
  await db.batch(stmts);
}

/** Moves every session of the user that pointed at `fromWorkspaceId` back to their personal workspace. */
export async function movePointersOff(env: AppBindings, userId: string, fromWorkspaceId: string): Promise<void> {
  const db = dbOf(env);
  const target = await findPersonalWorkspaceId(db, userId, fromWorkspaceId);
  await db.batch([
    moveCurrentWorkspaceStatement(db, userId, fromWorkspaceId, target),
    moveSignInsWorkspaceStatement(db, userId, fromWorkspaceId, target),
  ]);
}

/**
 * Deletes a workspace and everything in it in one transaction. The workspace, its sessions,
 * templates and snapshots are marked deleted (the reconciler stops runtimes; purge removes rows
 * and storage later, so a delete stays recoverable until then). Every lookup filters deleted
 * workspaces, so memberships and secrets become unreachable at once; pending invites and
 * workspace-scoped API tokens are revoked.
 */
export async function deleteWorkspace(env: AppBindings, workspaceId: string): Promise<void> {
  const db = dbOf(env);
  const members = await listMemberIds(db, workspaceId);
  await softDeleteWorkspace(db, workspaceId, now());
  for (const userId of members) await movePointersOff(env, userId, workspaceId);
}

const DEFAULT_MAX_OWNED_WORKSPACES = 5;

/** Workspaces a user may own: the operator's per-user override, else MAX_OWNED_WORKSPACES, else 5. */
export async function maxOwnedWorkspaces(env: AppBindings, userId: string): Promise<{ limit: number; override: number | null }> {
  const override = await findMaxOwnedWorkspaces(dbOf(env), userId);
  const v = (env as unknown as Record<string, unknown>).MAX_OWNED_WORKSPACES;
  const raw = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  const fallback = Number.isInteger(raw) && raw >= 0 ? raw : DEFAULT_MAX_OWNED_WORKSPACES;
  return { limit: override ?? fallback, override };
}
