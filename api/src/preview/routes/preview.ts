import { idSchema } from "@burstflare/sdk/schemas/common";
import { previewVisitBody, previewVisitResponse } from "@burstflare/sdk/schemas/preview";
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/app";
import { errorResponses, jsonBody, jsonResponse } from "../../lib/openapi";
import { iso, now } from "../../lib/time";
import { requireAuth, requirePermission } from "../../middleware/auth";
import { credentialOf } from "../../sessions/connections";
import { requireSession } from "../../sessions/records";
import { previewEnterURL } from "../session-preview";
import { VISIT_GRANT_TTL_MS, visitHolder } from "../visit-grants";

/** The workbench's preview frame: a grant URL on the session's own preview host. */
const router = createRouter();

router.openapi(
  createRoute({
    method: "post",
    path: "/api/sessions/{sessionId}/preview-visit",
    tags: ["sessions"],
    summary: "A URL that opens the session's preview on its own origin, signed for the caller for 12 hours",
    middleware: [requireAuth, requirePermission("runtime.access")] as const,
    request: { params: z.object({ sessionId: idSchema }), ...jsonBody(previewVisitBody) },
    responses: { 200: jsonResponse(previewVisitResponse), ...errorResponses },
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
