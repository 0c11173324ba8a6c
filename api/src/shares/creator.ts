import type { Context } from "hono";
import type { AppEnv } from "../env";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { closeConnectionsAfter } from "../sessions/connections";
import { listLiveLinksOfCreator } from "./shares-repo";

/** More than anyone makes by hand; a member's links beyond it still refuse the next request. */
const MAX_CLOSED = 500;

/**
 * A member who may no longer manage links in a workspace (left, removed, demoted to viewer): the
 * gateway refuses their links from the next request on (`creator_left`, api/src/shares/gateway.ts);
 * this closes the preview WebSockets already open through them, as revoking each link would.
 */
export async function closeLinksOfCreator(c: Context<AppEnv>, workspaceId: string, userId: string): Promise<void> {
  const links = await listLiveLinksOfCreator(dbOf(c.env), workspaceId, userId, now(), MAX_CLOSED);
  for (const link of links) {
    await closeConnectionsAfter(c, { sessionId: link.sessionId }, { credential: { kind: "share", id: link.id } });
  }
}
