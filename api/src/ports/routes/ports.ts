import { ApiError } from "@burstflare/sdk/errors";
import { idSchema } from "@burstflare/sdk/schemas/common";
import { sessionPortsResponse } from "@burstflare/sdk/schemas/ports";
import { previewVisitBody, previewVisitResponse } from "@burstflare/sdk/schemas/preview";
import { z } from "@hono/zod-openapi";
import { conflict, jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, permitted } from "../../lib/route";
import { iso, now } from "../../lib/time";
import { previewEnterURL } from "../../preview/session-preview";
import { isTopLevelNavigation, previewShellPage } from "../../preview/shell";
import { VISIT_GRANT_TTL_MS, visitHolder } from "../../preview/visit-grants";
import { credentialOf } from "../../sessions/connections";
import { requireSession } from "../../sessions/records";
import { pathSession } from "../../sessions/routes/path-session";
import { authorizeRuntime } from "../../sessions/runtime-access";
import { joinPorts, listeningPortsOf } from "../session-ports";

/**
 * The ports panel: what listens in a session, and a private visit to any of its ports. A port
 * other than the preview is served on its own preview host (`<label>-<port>.preview…`, see
 * api/src/preview/origin.ts) with the same grant, cookie and sandbox rules as the preview;
 * share links to a port are ordinary share links with `port` set (api/src/shares/routes/shares.ts).
 */
const { router, route } = apiRouter(["sessions"]);
const portParams = z.object({ sessionId: idSchema, port: z.coerce.number().int().min(1).max(65535) });

route.get("/api/sessions/{sessionId}/ports", permitted("runtime.access"), {
  summary: "TCP ports listening in a running session, with the template's labels",
  responses: { 200: jsonResponse(sessionPortsResponse), ...conflict },
  handler: async (c) => {
    const { row } = await pathSession(c);
    if (row.state !== "running") throw new ApiError("invalid_state", `session is ${row.state}; ports are listed for a running session`);
    const listening = await listeningPortsOf(c.env, row.id);
    return c.json({ ports: joinPorts(listening, row.config.manifest) }, 200);
  },
});

route.post("/api/sessions/{sessionId}/ports/{port}/visit", permitted("runtime.access"), {
  summary: "A URL that opens one port of the session privately, on the port's own origin (12 hours)",
  request: { params: portParams, ...jsonBody(previewVisitBody) },
  responses: { 200: jsonResponse(previewVisitResponse) },
  handler: async (c, { body, params: { port } }) => {
    const { auth, id } = await pathSession(c);
    const expiresAt = now() + VISIT_GRANT_TTL_MS;
    const holder = visitHolder(auth.userId, credentialOf(auth));
    const url = await previewEnterURL(c.env, id, holder, body.path, expiresAt, port);
    return c.json({ url, origin: new URL(url).origin, expiresAt: iso(expiresAt) ?? "" }, 200);
  },
});

/** "Open in a new tab" (`flare ports open`): the app's viewer page framing the port's own origin. */
router.get("/runtime/sessions/:sessionId/ports/:port", async (c) => {
  const parsed = portParams.safeParse(c.req.param());
  if (!parsed.success) throw new ApiError("not_found", "no such port");
  const { sessionId: id, port } = parsed.data;
  const caller = await authorizeRuntime(c, "preview", id);
  await requireSession(c.env, caller.workspaceId, id);
  const enter = await previewEnterURL(c.env, id, visitHolder(caller.userId, caller.credential), "/", undefined, port);
  return isTopLevelNavigation(c.req.raw) ? previewShellPage(enter) : c.redirect(enter, 303);
});

export default router;
