import { idSchema } from "@burstflare/sdk/schemas/common";
import { sessionLatencyResponse } from "@burstflare/sdk/schemas/metrics";
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../../lib/app";
import { errorResponses, jsonResponse } from "../../lib/openapi";
import { now } from "../../lib/time";
import { requireAuth, requirePermission } from "../../middleware/auth";
import { requireSession } from "../../sessions/records";
import { recentStarts, startLatencyStats } from "../start-latency";

/** Published start/wake latency. The deployment-wide figures are in /api/admin/report. */
const router = createRouter();
const DAY_MS = 24 * 3600 * 1000;

router.openapi(
  createRoute({
    method: "get",
    path: "/api/sessions/{sessionId}/latency",
    tags: ["sessions"],
    summary: "Start and wake latency p50/p95 over the last day, for the workspace and this session, and its latest boots",
    middleware: [requireAuth, requirePermission("sessions.read")] as const,
    request: { params: z.object({ sessionId: idSchema }) },
    responses: { 200: jsonResponse(sessionLatencyResponse), ...errorResponses },
  }),
  async (c) => {
    const auth = c.get("auth");
    const { sessionId: id } = c.req.valid("param");
    await requireSession(c.env, auth.workspaceId, id);
    const since = now() - DAY_MS;
    const [workspace, session, recent] = await Promise.all([
      startLatencyStats(c.env, since, { workspaceId: auth.workspaceId }),
      startLatencyStats(c.env, since, { sessionId: id }),
      recentStarts(c.env, id),
    ]);
    return c.json({ workspace, session, recent }, 200);
  },
);

export default router;
