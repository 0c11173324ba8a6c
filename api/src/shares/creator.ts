import type { Context } from "hono";
import type { AppEnv } from "../env";
import { now } from "../lib/time";
import { closeConnectionsAfter } from "../sessions/connections";

/** More than anyone makes by hand; a member's links beyond it still refuse the next request. */
const MAX_CLOSED = 500;

/**
 * A member who may no longer manage links in a workspace (left, removed, demoted to viewer): the
 * gateway refuses their links from the next request on (`creator_left`, api/src/shares/gateway.ts);
 * this closes the preview WebSockets already open through them, as revoking each link would.
 */
export async function closeLinksOfCreator(c: Context<AppEnv>, workspaceId: string, userId: string): Promise<void> {
  const { results } = await c.env.DB.prepare(
    `SELECT id, session_id FROM preview_shares
     WHERE workspace_id = ? AND created_by = ? AND revoked_at IS NULL AND expires_at > ? LIMIT ${MAX_CLOSED}`,
  )
    .bind(workspaceId, userId, now())
    .all<{ id: string; session_id: string }>();
  for (const link of results) {
    await closeConnectionsAfter(c, { sessionId: link.session_id }, { credential: { kind: "share", id: link.id } });
  }
}
