import { intentBody, intentResponse } from "@burstflare/sdk/schemas/intent";
import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../lib/app";
import { errorResponses, jsonBody, jsonResponse } from "../../lib/openapi";
import { requireAuth, requirePermission } from "../../middleware/auth";
import { fireIntent } from "../intents";

/** Start on intent: the SPA and the CLI say a session is about to be needed. */
const router = createRouter();

router.openapi(
  createRoute({
    method: "post",
    path: "/api/intent",
    tags: ["sessions"],
    summary: "Start waking the user's session marked for start on intent, in the background; answers at once",
    middleware: [requireAuth, requirePermission("sessions.lifecycle")] as const,
    request: jsonBody(intentBody),
    responses: { 202: jsonResponse(intentResponse, "Accepted"), ...errorResponses },
  }),
  async (c) => {
    const result = await fireIntent(c.env, c.get("auth"), c.req.valid("json"), (work) => c.executionCtx.waitUntil(work));
    return c.json(result, 202);
  },
);

export default router;
