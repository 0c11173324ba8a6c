import type { Role } from "@burstflare/sdk/states";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { closeConnectionsAfter } from "../sessions/connections";
import { managesLinksOf } from "./manage";
import { listLiveLinksOfCreator } from "./shares-repo";

/** More than anyone makes by hand; a member's links beyond it still refuse the next request. */
const MAX_CLOSED = 500;

/**
 * A member whose role no longer lets them make some of their links (left or removed: `role` null;
 * demoted to viewer; an admin demoted to member, for links of others' sessions): the gateway refuses
 * those links from the next request on (`creator_left`, api/src/shares/gateway.ts); this closes the
 * preview WebSockets already open through them, as revoking each link would.
 */
export async function closeLinksOfCreator(c: Context<AppEnv>, workspaceId: string, userId: string, role: Role | null): Promise<void> {
  const links = await listLiveLinksOfCreator(dbOf(c.env), workspaceId, userId, now(), MAX_CLOSED);
  for (const link of links) {
    if (managesLinksOf(userId, role, link.sessionOwnerId)) continue;
    await closeConnectionsAfter(c, { sessionId: link.sessionId }, { credential: { kind: "share", id: link.id } });
  }
}
