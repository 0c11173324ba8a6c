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
const guard = () => [seedingOn, requireAuth, requireOperator];
const { router, route } = apiRouter(["admin"]);
const created = (schema: Parameters<typeof jsonResponse>[0]) => ({ 201: jsonResponse(schema, "Created") });

router.openapi(
  route.post("/api/admin/seed/users", {
    summary:
      "Operators, seeding deployments only: a user with a personal workspace or a role in a given one, and day-long sign-ins (CLI token, browser cookie)",
    middleware: guard(),
    request: jsonBody(seedUserBody),
    responses: created(seededUserSchema),
  }),
  async (c) => {
    const user = await seedUser(c.env, c.req.valid("json"));
    await audit(c, {
      action: "admin.seed.user",
      workspaceId: user.workspaceId,
      targetType: "user",
      targetId: user.userId,
      details: { email: user.email, role: user.role, signIns: user.signIns.map((s) => s.kind) },
    });
    return c.json(user, 201);
  },
);

router.openapi(
  route.post("/api/admin/seed/templates", {
    summary: "Operators, seeding deployments only: a template whose one version (a manifest, no bundle) is active",
    middleware: guard(),
    request: jsonBody(seedTemplateBody),
    responses: created(seededTemplateSchema),
  }),
  async (c) => {
    const body = c.req.valid("json");
    const seeded = await seedTemplate(c.env, body, c.get("auth").userId);
    await audit(c, {
      action: "admin.seed.template",
      workspaceId: body.workspaceId,
      targetType: "template",
      targetId: seeded.templateId,
      details: { versionId: seeded.versionId, legacyEnv: Object.keys(body.legacyEnv ?? {}) },
    });
    return c.json(seeded, 201);
  },
);

router.openapi(
  route.post("/api/admin/seed/secrets", {
    summary: "Operators, seeding deployments only: workspace secrets as an older API stored them (names checked for shape only)",
    middleware: guard(),
    request: jsonBody(seedSecretsBody),
    responses: created(seededSecretsSchema),
  }),
  async (c) => {
    const { workspaceId, secrets } = c.req.valid("json");
    const names = await seedSecrets(c.env, workspaceId, secrets);
    await audit(c, { action: "admin.seed.secrets", workspaceId, targetType: "workspace", targetId: workspaceId, details: { names } });
    return c.json({ names }, 201);
  },
);

router.openapi(
  route.post("/api/admin/seed/sessions", {
    summary: "Operators, seeding deployments only: up to 10,000 session rows with no runtime behind them (list and load benchmarks)",
    middleware: guard(),
    request: jsonBody(seedSessionsBody),
    responses: created(seededSessionsSchema),
  }),
  async (c) => {
    const body = c.req.valid("json");
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
);

router.openapi(
  route.post("/api/admin/seed/deleted-age", {
    summary:
      "Operators, seeding deployments only: a deleted session, snapshot, template or workspace as if deleted days ago (retention tests)",
    middleware: guard(),
    request: jsonBody(seedDeletedAgeBody),
    responses: { 200: jsonResponse(seededDeletedAgeSchema) },
  }),
  async (c) => {
    const { kind, id, deletedDaysAgo } = c.req.valid("json");
    const deletedAt = await seedDeletedAge(c.env, kind, id, deletedDaysAgo);
    await audit(c, { action: "admin.seed.deleted_age", workspaceId: null, targetType: kind, targetId: id, details: { deletedDaysAgo } });
    return c.json({ kind, id, deletedAt: new Date(deletedAt).toISOString() }, 200);
  },
);

export default router;
