import { shareAccessListResponse, shareAccessQuery } from "@burstflare/sdk/schemas/shares";
import { dbOf } from "../../lib/db";
import { jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { pathSession } from "../../sessions/routes/path-session";
import { assertCanManageShares } from "../manage";
import { listShareAccess } from "../share-access-repo";

/** The access log of a session's share links: who opened them, and who was refused. */
const { router, route } = apiRouter(["shares"]);

route.get("/api/sessions/{sessionId}/share-access", permitted("shares.manage"), {
  summary: "Who opened the session's share links: user or anonymous, when, which path, from where; refusals included",
  request: { query: shareAccessQuery },
  responses: { 200: jsonResponse(shareAccessListResponse) },
  handler: async (c, { query }) => {
    const { auth, id, row: session } = await pathSession(c);
    assertCanManageShares(auth, session);
    return c.json({ entries: await listShareAccess(dbOf(c.env), id, query) }, 200);
  },
});

export default router;
