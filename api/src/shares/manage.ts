import { ApiError } from "@burstflare/sdk/errors";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { notFound } from "../lib/errors";
import type { AuthContext } from "../middleware/auth";
import type { SessionRecord } from "../sessions/records";
import { findShare, type ShareRecord } from "./shares-repo";

/**
 * Share links of a session, and who opened them, are the business of the session's owner and
 * of the workspace's owners and admins; other members may see the session but not its links.
 */
export function assertCanManageShares(auth: AuthContext, session: Pick<SessionRecord, "ownerId">): void {
  if (auth.userId === session.ownerId || auth.role === "owner" || auth.role === "admin") return;
  throw new ApiError("forbidden", "only the session's owner or a workspace admin manages its share links");
}

/** A share of this session; another session's share answers 404. */
export async function requireShare(env: AppBindings, sessionId: string, shareId: string): Promise<ShareRecord> {
  const row = await findShare(dbOf(env), sessionId, shareId);
  if (!row) throw notFound("share link");
  return row;
}
