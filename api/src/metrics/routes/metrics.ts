import { sessionLatencyResponse } from "@burstflare/sdk/schemas/metrics";
import { jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { now } from "../../lib/time";
import { pathSession } from "../../sessions/routes/path-session";
import { recentStarts, startLatencyStats } from "../start-latency";

/** Published start/wake latency. The deployment-wide figures are in /api/admin/report. */
const { router, route } = apiRouter(["sessions"]);
const DAY_MS = 24 * 3600 * 1000;

route.get("/api/sessions/{sessionId}/latency", permitted("sessions.read"), {
  summary: "Start and wake latency p50/p95 over the last day, for the workspace and this session, and its latest boots",
  responses: { 200: jsonResponse(sessionLatencyResponse) },
  handler: async (c) => {
    const { auth, id } = await pathSession(c);
    const since = now() - DAY_MS;
    const [workspace, session, recent] = await Promise.all([
      startLatencyStats(c.env, since, { workspaceId: auth.workspaceId }),
      startLatencyStats(c.env, since, { sessionId: id }),
      recentStarts(c.env, id),
    ]);
    return c.json({ workspace, session, recent }, 200);
  },
});

export default router;
