import { ApiError } from "@burstflare/sdk/errors";
import {
  seedDeletedAgeBody,
  seededDeletedAgeSchema,
  seededSecretsSchema,
  seededSessionsSchema,
  seededTemplateSchema,
  seededUserSchema,
  seedSecretsBody,
  seedSessionsBody,
  seedTemplateBody,
  seedUserBody,
} from "@burstflare/sdk/schemas/seed";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env";
import { audit } from "../../lib/audit";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter } from "../../lib/route";
import { requireAuth, requireOperator } from "../../middleware/auth";
import { seedDeletedAge, seedingEnabled, seedSecrets, seedSessions, seedTemplate, seedUser } from "../seed";

/**
 * Operator seeding (docs/runbook.md "Seeding fixtures"). A deployment without OPERATOR_SEEDING=1
 * answers these paths exactly like a path that does not exist, before any credential is read; where
 * it is on, only a proven operator passes. Every call is audited.
 */
const seedingOn: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!seedingEnabled(c.env)) throw new ApiError("not_found", `no route for ${c.req.method} ${c.req.path}`);
  await next();
};
const guard = () => [seedingOn, requireAuth, requireOperator] as const;
const { router, route } = apiRouter(["admin"]);
const created = (schema: Parameters<typeof jsonResponse>[0]) => ({ 201: jsonResponse(schema, "Created") });

route.post("/api/admin/seed/users", guard(), {
  summary:
    "Operators, seeding deployments only: a user with a personal workspace or a role in a given one, and day-long sign-ins (CLI token, browser cookie)",
  request: jsonBody(seedUserBody),
  responses: created(seededUserSchema),
  handler: async (c, { body }) => {
    const user = await seedUser(c.env, body);
    await audit(c, {
      action: "admin.seed.user",
      workspaceId: user.workspaceId,
      targetType: "user",
      targetId: user.userId,
      details: { email: user.email, role: user.role, signIns: user.signIns.map((s) => s.kind) },
    });
    return c.json(user, 201);
  },
});

route.post("/api/admin/seed/templates", guard(), {
  summary: "Operators, seeding deployments only: a template whose one version (a manifest, no bundle) is active",
  request: jsonBody(seedTemplateBody),
  responses: created(seededTemplateSchema),
  handler: async (c, { auth, body }) => {
    const seeded = await seedTemplate(c.env, body, auth.userId);
    await audit(c, {
      action: "admin.seed.template",
      workspaceId: body.workspaceId,
      targetType: "template",
      targetId: seeded.templateId,
      details: { versionId: seeded.versionId, legacyEnv: Object.keys(body.legacyEnv ?? {}) },
    });
    return c.json(seeded, 201);
  },
});

route.post("/api/admin/seed/secrets", guard(), {
  summary: "Operators, seeding deployments only: workspace secrets as an older API stored them (names checked for shape only)",
  request: jsonBody(seedSecretsBody),
  responses: created(seededSecretsSchema),
  handler: async (c, { body: { workspaceId, secrets } }) => {
    const names = await seedSecrets(c.env, workspaceId, secrets);
    await audit(c, { action: "admin.seed.secrets", workspaceId, targetType: "workspace", targetId: workspaceId, details: { names } });
    return c.json({ names }, 201);
  },
});

route.post("/api/admin/seed/sessions", guard(), {
  summary: "Operators, seeding deployments only: up to 10,000 session rows with no runtime behind them (list and load benchmarks)",
  request: jsonBody(seedSessionsBody),
  responses: created(seededSessionsSchema),
  handler: async (c, { body }) => {
    const count = await seedSessions(c.env, body);
    await audit(c, {
      action: "admin.seed.sessions",
      workspaceId: body.workspaceId,
      targetType: "workspace",
      targetId: body.workspaceId,
      details: { requested: body.count, created: count, namePrefix: body.namePrefix, states: body.states ?? ["stopped"] },
    });
    return c.json({ created: count }, 201);
  },
});

route.post("/api/admin/seed/deleted-age", guard(), {
  summary:
    "Operators, seeding deployments only: a deleted session, snapshot, template or workspace as if deleted days ago (retention tests)",
  request: jsonBody(seedDeletedAgeBody),
  responses: { 200: jsonResponse(seededDeletedAgeSchema) },
  handler: async (c, { body: { kind, id, deletedDaysAgo } }) => {
    const deletedAt = await seedDeletedAge(c.env, kind, id, deletedDaysAgo);
    await audit(c, { action: "admin.seed.deleted_age", workspaceId: null, targetType: kind, targetId: id, details: { deletedDaysAgo } });
    return c.json({ kind, id, deletedAt: new Date(deletedAt).toISOString() }, 200);
  },
});

export default router;
