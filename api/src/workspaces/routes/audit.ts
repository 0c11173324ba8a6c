import { auditPageSchema, auditQuery, usageQuery, usageSchema } from "@burstflare/sdk/schemas/workspaces";
import { dbOf } from "../../lib/db";
import { jsonResponse } from "../../lib/openapi";
import { apiRouter, operatorOnly, permitted } from "../../lib/route";
import { queryAudit } from "../audit-repo";
import { usageRollup } from "../usage-rollup";

/** The current workspace's audit log and metered usage. */
const { router, route } = apiRouter(["audit"]);

router.openapi(
  route.get("/api/audit", {
    summary: "Audit log, newest first: filter by action prefix, actor, target, time; cursor-paginated",
    middleware: permitted("audit.read"),
    request: { query: auditQuery },
    responses: { 200: jsonResponse(auditPageSchema) },
  }),
  async (c) => c.json(await queryAudit(dbOf(c.env), c.get("auth").workspaceId, c.req.valid("query")), 200),
);

router.openapi(
  route.get("/api/admin/security-log", {
    tags: ["admin"],
    summary: "Operators: audit entries that belong to no workspace (failed sign-ins, email proofs, limits), same filters as /api/audit",
    middleware: operatorOnly(),
    request: { query: auditQuery },
    responses: { 200: jsonResponse(auditPageSchema) },
  }),
  async (c) => c.json(await queryAudit(dbOf(c.env), null, c.req.valid("query")), 200),
);

router.openapi(
  route.get("/api/usage", {
    tags: ["usage"],
    summary: "Usage per day and per user over the last N days, with the quota alongside",
    middleware: permitted("usage.read"),
    request: { query: usageQuery },
    responses: { 200: jsonResponse(usageSchema) },
  }),
  async (c) => c.json(await usageRollup(c.env, c.get("auth").workspaceId, c.req.valid("query").days), 200),
);

export default router;
