import { ApiError } from "@burstflare/sdk/errors";
import { can } from "@burstflare/sdk/permissions";
import type { Role } from "@burstflare/sdk/states";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { notFound } from "../lib/errors";
import type { AuthContext } from "../middleware/auth";
import type { SessionRecord } from "../sessions/records";
import { findShare, type ShareRecord } from "./shares-repo";

/**
 * Whether a member with this role may make (and so keep speaking through) links of a session owned
 * by `sessionOwnerId`: the same rule for creating a link and for each use of it, so a link never
 * outlives its creator's right to make it (an admin demoted to member, a member demoted to viewer).
 */
export function managesLinksOf(userId: string, role: Role | null, sessionOwnerId: string): boolean {
  if (!role || !can(role, "shares.manage")) return false;
  return userId === sessionOwnerId || role === "owner" || role === "admin";
}

/**
 * Share links of a session, and who opened them, are the business of the session's owner and
 * of the workspace's owners and admins; other members may see the session but not its links.
 */
export function assertCanManageShares(auth: AuthContext, session: Pick<SessionRecord, "ownerId">): void {
  if (managesLinksOf(auth.userId, auth.role, session.ownerId)) return;
  throw new ApiError("forbidden", "only the session's owner or a workspace admin manages its share links");
}

/** A share of this session; another session's share answers 404. */
export async function requireShare(env: AppBindings, sessionId: string, shareId: string): Promise<ShareRecord> {
  const row = await findShare(dbOf(env), sessionId, shareId);
  if (!row) throw notFound("share link");
  return row;
}
