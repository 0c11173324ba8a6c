import { intentBody, intentResponse } from "@burstflare/sdk/schemas/intent";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { fireIntent } from "../intents";

/** Start on intent: the SPA and the CLI say a session is about to be needed. */
const { router, route } = apiRouter(["sessions"]);

router.openapi(
  route.post("/api/intent", {
    summary: "Start waking the user's session marked for start on intent, in the background; answers at once",
    middleware: permitted("sessions.lifecycle"),
    request: jsonBody(intentBody),
    responses: { 202: jsonResponse(intentResponse, "Accepted") },
  }),
  async (c) => {
    const result = await fireIntent(c.env, c.get("auth"), c.req.valid("json"), (work) => c.executionCtx.waitUntil(work));
    return c.json(result, 202);
  },
);

export default router;
