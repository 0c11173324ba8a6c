import { intentBody, intentResponse } from "@burstflare/sdk/schemas/intent";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { fireIntent } from "../intents";

/** Start on intent: the SPA and the CLI say a session is about to be needed. */
const { router, route } = apiRouter(["sessions"]);

route.post("/api/intent", permitted("sessions.lifecycle"), {
  summary: "Start waking the user's session marked for start on intent, in the background; answers at once",
  request: jsonBody(intentBody),
  responses: { 202: jsonResponse(intentResponse, "Accepted") },
  handler: async (c, { auth, body }) => {
    const result = await fireIntent(c.env, auth, body, (work) => c.executionCtx.waitUntil(work));
    return c.json(result, 202);
  },
});

export default router;
