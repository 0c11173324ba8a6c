import { auditPageSchema, auditQuery, usageQuery, usageSchema } from "@burstflare/sdk/schemas/workspaces";
import { dbOf } from "../../lib/db";
import { jsonResponse } from "../../lib/openapi";
import { apiRouter, operatorOnly, permitted } from "../../lib/route";
import { queryAudit } from "../audit-repo";
import { usageRollup } from "../usage-rollup";

/** The current workspace's audit log and metered usage. */
const { router, route } = apiRouter(["audit"]);

route.get("/api/audit", permitted("audit.read"), {
  summary: "Audit log, newest first: filter by action prefix, actor, target, time; cursor-paginated",
  request: { query: auditQuery },
  responses: { 200: jsonResponse(auditPageSchema) },
  handler: async (c, { auth, query }) => c.json(await queryAudit(dbOf(c.env), auth.workspaceId, query), 200),
});

route.get("/api/admin/security-log", operatorOnly(), {
  tags: ["admin"],
  summary: "Operators: audit entries that belong to no workspace (failed sign-ins, email proofs, limits), same filters as /api/audit",
  request: { query: auditQuery },
  responses: { 200: jsonResponse(auditPageSchema) },
  handler: async (c, { query }) => c.json(await queryAudit(dbOf(c.env), null, query), 200),
});

route.get("/api/usage", permitted("usage.read"), {
  tags: ["usage"],
  summary: "Usage per day and per user over the last N days, with the quota alongside",
  request: { query: usageQuery },
  responses: { 200: jsonResponse(usageSchema) },
  handler: async (c, { auth, query }) => c.json(await usageRollup(c.env, auth.workspaceId, query.days), 200),
});

export default router;
