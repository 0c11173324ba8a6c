import { ApiError } from "../../../sdk/errors";
import type { AuthContext } from "../middleware/auth";
import type { SessionRow } from "../sessions/records";

/**
 * Share links of a session, and who opened them, are the business of the session's owner and
 * of the workspace's owners and admins; other members may see the session but not its links.
 */
export function assertCanManageShares(auth: AuthContext, session: Pick<SessionRow, "owner_id">): void {
  if (auth.userId === session.owner_id || auth.role === "owner" || auth.role === "admin") return;
  throw new ApiError("forbidden", "only the session's owner or a workspace admin manages its share links");
}
