import { auditPageSchema, auditQuery, usageQuery, usageSchema } from "@burstflare/sdk/schemas/workspaces";
import { createRoute } from "@hono/zod-openapi";
import { createRouter } from "../../lib/app";
import { dbOf } from "../../lib/db";
import { errorResponses, jsonResponse } from "../../lib/openapi";
import { queryAudit } from "../audit-repo";
import { usageRollup } from "../usage-rollup";
import { guard, operatorOnly } from "./guard";

/** The current workspace's audit log and metered usage. */
const router = createRouter();

router.openapi(
  createRoute({
    method: "get",
    path: "/api/audit",
    tags: ["audit"],
    summary: "Audit log, newest first: filter by action prefix, actor, target, time; cursor-paginated",
    middleware: guard("audit.read"),
    request: { query: auditQuery },
    responses: { 200: jsonResponse(auditPageSchema), ...errorResponses },
  }),
  async (c) => c.json(await queryAudit(dbOf(c.env), c.get("auth").workspaceId, c.req.valid("query")), 200),
);

router.openapi(
  createRoute({
    method: "get",
    path: "/api/admin/security-log",
    tags: ["admin"],
    summary: "Operators: audit entries that belong to no workspace (failed sign-ins, email proofs, limits), same filters as /api/audit",
    middleware: operatorOnly(),
    request: { query: auditQuery },
    responses: { 200: jsonResponse(auditPageSchema), ...errorResponses },
  }),
  async (c) => c.json(await queryAudit(dbOf(c.env), null, c.req.valid("query")), 200),
);

router.openapi(
  createRoute({
    method: "get",
    path: "/api/usage",
    tags: ["usage"],
    summary: "Usage per day and per user over the last N days, with the quota alongside",
    middleware: guard("usage.read"),
    request: { query: usageQuery },
    responses: { 200: jsonResponse(usageSchema), ...errorResponses },
  }),
  async (c) => c.json(await usageRollup(c.env, c.get("auth").workspaceId, c.req.valid("query").days), 200),
);

export default router;
