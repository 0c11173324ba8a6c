import { previewVisitBody, previewVisitResponse } from "@burstflare/sdk/schemas/preview";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { iso, now } from "../../lib/time";
import { credentialOf } from "../../sessions/connections";
import { pathSession } from "../../sessions/routes/path-session";
import { previewEnterURL } from "../session-preview";
import { VISIT_GRANT_TTL_MS, visitHolder } from "../visit-grants";

/** The workbench's preview frame: a grant URL on the session's own preview host. */
const { router, route } = apiRouter(["sessions"]);

route.post("/api/sessions/{sessionId}/preview-visit", permitted("runtime.access"), {
  summary: "A URL that opens the session's preview on its own origin, signed for the caller for 12 hours",
  request: jsonBody(previewVisitBody),
  responses: { 200: jsonResponse(previewVisitResponse) },
  handler: async (c, { auth, body: { path } }) => {
    const { id } = await pathSession(c);
    const expiresAt = now() + VISIT_GRANT_TTL_MS;
    const url = await previewEnterURL(c.env, id, visitHolder(auth.userId, credentialOf(auth)), path, expiresAt);
    return c.json({ url, origin: new URL(url).origin, expiresAt: iso(expiresAt) ?? "" }, 200);
  },
});

export default router;
