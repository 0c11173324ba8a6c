import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../../../sdk/errors";
import { idSchema } from "../../../sdk/schemas/common";
import { sessionPortsResponse } from "../../../sdk/schemas/ports";
import { createRouter } from "../lib/app";
import { errorResponses, jsonResponse } from "../lib/openapi";
import { requireAuth, requirePermission } from "../middleware/auth";
import { joinPorts, listeningPortsOf } from "../ports/session-ports";
import { requireSessionRow, sessionConfig } from "../sessions/records";

const router = createRouter();

router.openapi(
  createRoute({
    method: "get",
    path: "/api/sessions/{id}/ports",
    tags: ["sessions"],
    summary: "TCP ports listening in a running session, with the template's labels",
    middleware: [requireAuth, requirePermission("runtime.access")] as const,
    request: { params: z.object({ id: idSchema }) },
    responses: { 200: jsonResponse(sessionPortsResponse), ...errorResponses, 409: errorResponses[400] },
  }),
  async (c) => {
    const auth = c.get("auth");
    const row = await requireSessionRow(c.env, auth.workspaceId, c.req.valid("param").id);
    if (row.state !== "running") throw new ApiError("invalid_state", `session is ${row.state}; ports are listed for a running session`);
    const listening = await listeningPortsOf(c.env, row.id);
    return c.json({ ports: joinPorts(listening, sessionConfig(row).manifest) }, 200);
  },
);

export default router;
