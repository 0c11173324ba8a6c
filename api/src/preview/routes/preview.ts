import { previewVisitBody, previewVisitResponse } from "@burstflare/sdk/schemas/preview";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, idParams, permitted } from "../../lib/route";
import { iso, now } from "../../lib/time";
import { credentialOf } from "../../sessions/connections";
import { requireSession } from "../../sessions/records";
import { previewEnterURL } from "../session-preview";
import { VISIT_GRANT_TTL_MS, visitHolder } from "../visit-grants";

/** The workbench's preview frame: a grant URL on the session's own preview host. */
const { router, route } = apiRouter(["sessions"]);

router.openapi(
  route.post("/api/sessions/{sessionId}/preview-visit", {
    summary: "A URL that opens the session's preview on its own origin, signed for the caller for 12 hours",
    middleware: permitted("runtime.access"),
    request: { params: idParams("sessionId"), ...jsonBody(previewVisitBody) },
    responses: { 200: jsonResponse(previewVisitResponse) },
  }),
  async (c) => {
    const auth = c.get("auth");
    const { sessionId: id } = c.req.valid("param");
    const { path } = c.req.valid("json");
    await requireSession(c.env, auth.workspaceId, id);
    const expiresAt = now() + VISIT_GRANT_TTL_MS;
    const url = await previewEnterURL(c.env, id, visitHolder(auth.userId, credentialOf(auth)), path, expiresAt);
    return c.json({ url, origin: new URL(url).origin, expiresAt: iso(expiresAt) ?? "" }, 200);
  },
);

export default router;
