import { ApiError } from "@burstflare/sdk/errors";
import {
  adminReportSchema,
  deletedListSchema,
  reconcileBody,
  reconcileQuery,
  reconcileResultSchema,
  restoreBody,
  restoreResultSchema,
} from "@burstflare/sdk/schemas/admin";
import { buildSchema } from "@burstflare/sdk/schemas/builds";
import { idSchema } from "@burstflare/sdk/schemas/common";
import { z } from "@hono/zod-openapi";
import { getBuild, requeueBuild } from "../../builds/store";
import { audit } from "../../lib/audit";
import { conflict, errorResponses, jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, operatorOnly } from "../../lib/route";
import { hasJSONBody } from "../../lib/validate";
import { contractView } from "../../lib/view";
import { runReconcile } from "../../reconcile/run";
import { listDeleted } from "../deleted";
import { buildReport } from "../report";
import { restoreDeleted } from "../restore";

const { router, route } = apiRouter(["admin"]);
const conflictOrGone = { ...conflict, 410: errorResponses[400] };

route.get("/api/admin/report", operatorOnly(), {
  summary: "Operators: fleet health across all workspaces (dead-lettered and stuck builds, sessions, grants, totals, failures)",
  responses: { 200: jsonResponse(adminReportSchema) },
  handler: async (c) => c.json(await buildReport(c.env), 200),
});

route.post("/api/admin/reconcile", operatorOnly(), {
  summary: "Operators: run the reconcile pass now; `?preview=1` or `{ preview: true }` returns the planned actions and changes nothing",
  request: {
    query: reconcileQuery,
    body: { content: { "application/json": { schema: reconcileBody } }, required: false },
  },
  responses: { 200: jsonResponse(reconcileResultSchema) },
  handler: async (c, { auth, query }) => {
    const body = hasJSONBody(c) ? c.req.valid("json") : {};
    const preview = query.preview === "1" || query.preview === "true" || body.preview === true;
    const result = await runReconcile(c.env, { preview, actorId: auth.userId, requestId: c.get("requestId") });
    if (!preview) {
      await audit(c, {
        action: "admin.reconcile",
        targetType: "reconcile",
        details: { changed: result.changed, failed: result.failed, counts: result.counts },
      });
    }
    return c.json(result, 200);
  },
});

route.get("/api/admin/deleted", operatorOnly(), {
  summary: "Operators: deleted sessions, snapshots, templates and workspaces still restorable, with when they get purged",
  request: { query: z.object({ workspaceId: idSchema.optional() }) },
  responses: { 200: jsonResponse(deletedListSchema) },
  handler: async (c, { query }) => c.json({ items: await listDeleted(c.env, query.workspaceId) }, 200),
});

route.post("/api/admin/restore", operatorOnly(), {
  summary: "Operators: restore a deleted session, snapshot, template or workspace inside the retention window",
  request: jsonBody(restoreBody),
  responses: { 200: jsonResponse(restoreResultSchema), ...conflictOrGone },
  handler: async (c, { body: { kind, id } }) => {
    const result = await restoreDeleted(c.env, kind, id);
    await audit(c, {
      action: "admin.restore",
      workspaceId: result.workspaceId,
      targetType: kind,
      targetId: id,
      details: { restored: result.restored },
    });
    return c.json(result, 200);
  },
});

route.post("/api/admin/template-builds/{buildId}/retry", operatorOnly(), {
  summary: "Operators: queue a failed or dead-lettered build of any workspace again",
  responses: { 200: jsonResponse(buildSchema), ...conflictOrGone },
  handler: async (c, { params: { buildId: id } }) => {
    const build = await getBuild(c.env, id);
    if (!build) throw new ApiError("not_found", "build not found");
    if (!(await requeueBuild(c.env, id, ["failed", "dead_lettered"], "retry"))) {
      throw new ApiError("invalid_state", `build is ${build.status}; only failed or dead-lettered builds can be retried`);
    }
    await audit(c, {
      action: "build.retry",
      workspaceId: build.workspaceId,
      targetType: "build",
      targetId: id,
      details: { from: build.status },
    });
    return c.json(contractView(buildSchema, (await getBuild(c.env, id)) ?? build), 200);
  },
});

export default router;
