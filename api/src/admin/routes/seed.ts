import { ApiError } from "@burstflare/sdk/errors";
import {
  type SeedTemplateBody,
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
import type { z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { AppBindings, AppEnv } from "../../env";
import { audit } from "../../lib/audit";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter } from "../../lib/route";
import { type AuthContext, requireAuth, requireOperator } from "../../middleware/auth";
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
const created = <S extends z.ZodType>(schema: S) => ({ 201: jsonResponse(schema, "Created") });

type SeedAudit = Pick<Parameters<typeof audit>[1], "workspaceId" | "targetType" | "targetId" | "details">;

/** A seed route's handler: it seeds, audits the call as `action` on what `audited` names, and answers 201 with what it made. */
function seeding<Body, Made>(
  action: `admin.seed.${string}`,
  seed: (env: AppBindings, body: Body, auth: AuthContext) => Promise<Made>,
  audited: (made: Made, body: Body) => SeedAudit,
) {
  return async (c: Context<AppEnv>, { auth, body }: { auth: AuthContext; body: Body }) => {
    const made = await seed(c.env, body, auth);
    await audit(c, { action, ...audited(made, body) });
    return c.json(made, 201);
  };
}

route.post("/api/admin/seed/users", guard(), {
  summary:
    "Operators, seeding deployments only: a user with a personal workspace or a role in a given one, and day-long sign-ins (CLI token, browser cookie)",
  request: jsonBody(seedUserBody),
  responses: created(seededUserSchema),
  handler: seeding("admin.seed.user", seedUser, (user) => ({
    workspaceId: user.workspaceId,
    targetType: "user",
    targetId: user.userId,
    details: { email: user.email, role: user.role, signIns: user.signIns.map((s) => s.kind) },
  })),
});

route.post("/api/admin/seed/templates", guard(), {
  summary: "Operators, seeding deployments only: a template whose one version (a manifest, no bundle) is active",
  request: jsonBody(seedTemplateBody),
  responses: created(seededTemplateSchema),
  handler: seeding(
    "admin.seed.template",
    (env, body: SeedTemplateBody, auth) => seedTemplate(env, body, auth.userId),
    (seeded, body) => ({
      workspaceId: body.workspaceId,
      targetType: "template",
      targetId: seeded.templateId,
      details: { versionId: seeded.versionId, legacyEnv: Object.keys(body.legacyEnv ?? {}) },
    }),
  ),
});

route.post("/api/admin/seed/secrets", guard(), {
  summary: "Operators, seeding deployments only: workspace secrets as an older API stored them (names checked for shape only)",
  request: jsonBody(seedSecretsBody),
  responses: created(seededSecretsSchema),
  handler: seeding(
    "admin.seed.secrets",
    async (env, { workspaceId, secrets }: z.infer<typeof seedSecretsBody>) => ({ names: await seedSecrets(env, workspaceId, secrets) }),
    ({ names }, { workspaceId }) => ({ workspaceId, targetType: "workspace", targetId: workspaceId, details: { names } }),
  ),
});

route.post("/api/admin/seed/sessions", guard(), {
  summary: "Operators, seeding deployments only: up to 10,000 session rows with no runtime behind them (list and load benchmarks)",
  request: jsonBody(seedSessionsBody),
  responses: created(seededSessionsSchema),
  handler: seeding(
    "admin.seed.sessions",
    async (env, body: z.infer<typeof seedSessionsBody>) => ({ created: await seedSessions(env, body) }),
    ({ created }, body) => ({
      workspaceId: body.workspaceId,
      targetType: "workspace",
      targetId: body.workspaceId,
      details: { requested: body.count, created, namePrefix: body.namePrefix, states: body.states ?? ["stopped"] },
    }),
  ),
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
