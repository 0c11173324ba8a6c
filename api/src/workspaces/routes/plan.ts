import { ApiError } from "@burstflare/sdk/errors";
import {
  ownedWorkspaceLimitBody,
  ownedWorkspaceLimitSchema,
  PLAN_LIMITS,
  PLANS,
  type PlanInfo,
  planSchema,
  QUOTA_LIMITS,
  type QuotaOverridesBody,
  quotaOverridesBody,
  setPlanBody,
} from "@burstflare/sdk/schemas/workspaces";
import { setMaxOwnedWorkspaces } from "../../auth/users-repo";
import type { AppBindings } from "../../env";
import { audit } from "../../lib/audit";
import { dbOf } from "../../lib/db";
import { jsonBody, jsonResponse } from "../../lib/openapi";
import { apiRouter, operatorOnly, permitted, routes } from "../../lib/route";
import { now } from "../../lib/time";
import { currentUsage, getOverrides } from "../quotas";
import { saveQuotaOverrides } from "../quotas-repo";
import { maxOwnedWorkspaces } from "../store";
import { findLivePlan, setPlan } from "../workspaces-repo";

const { router, route } = apiRouter(["plan"]);
const admin = routes(router, ["admin"]);

async function planInfo(env: AppBindings, workspaceId: string): Promise<PlanInfo> {
  const stored = await findLivePlan(dbOf(env), workspaceId);
  if (stored === null) throw new ApiError("not_found", "workspace not found");
  const plan = PLANS.find((p) => p === stored) ?? "free";
  const [overrides, usage] = await Promise.all([getOverrides(env, workspaceId), currentUsage(env, workspaceId)]);
  return { plan, planLimits: PLAN_LIMITS[plan], overrides, limits: { ...PLAN_LIMITS[plan], ...overrides }, usage };
}

async function applyOverrides(env: AppBindings, workspaceId: string, setBy: string, body: QuotaOverridesBody): Promise<void> {
  const changes: { limitName: string; value: number | null }[] = [];
  for (const limit of QUOTA_LIMITS) {
    const value = body.overrides[limit];
    if (value !== undefined) changes.push({ limitName: limit, value });
  }
  if (changes.length > 0) await saveQuotaOverrides(dbOf(env), workspaceId, changes, setBy, now());
}

route.get("/api/workspaces/current/plan", permitted("plan.read"), {
  summary: "The current workspace's plan, effective limits and current use",
  responses: { 200: jsonResponse(planSchema) },
  handler: async (c, { auth }) => c.json(await planInfo(c.env, auth.workspaceId), 200),
});

// A plan is what the customer pays for, so only operators change it (billing sits outside the
// product); an owner changing it would raise their own limits for free.
const planRoutes = [
  { path: "/api/workspaces/current/plan", byId: false },
  { path: "/api/admin/workspaces/{workspaceId}/plan", byId: true },
] as const;

for (const { path, byId } of planRoutes) {
  admin.put(path, operatorOnly(), {
    summary: byId ? "Change a workspace's plan (operators)" : "Change the current workspace's plan (operators)",
    request: jsonBody(setPlanBody),
    responses: { 200: jsonResponse(planSchema) },
    handler: async (c, { auth, body: { plan } }) => {
      const workspaceId = byId ? (c.req.param("workspaceId") ?? "") : auth.workspaceId;
      const before = await planInfo(c.env, workspaceId);
      await setPlan(dbOf(c.env), workspaceId, plan, now());
      await audit(c, {
        action: "plan.change",
        workspaceId,
        targetType: "workspace",
        targetId: workspaceId,
        details: { from: before.plan, to: plan },
      });
      return c.json(await planInfo(c.env, workspaceId), 200);
    },
  });
}

admin.put("/api/admin/users/{userId}/workspace-limit", operatorOnly(), {
  summary: "Set (number) or clear (null) how many workspaces a user may own (operators)",
  request: jsonBody(ownedWorkspaceLimitBody),
  responses: { 200: jsonResponse(ownedWorkspaceLimitSchema) },
  handler: async (c, { params: { userId: id }, body: { maxOwnedWorkspaces: value } }) => {
    if (!(await setMaxOwnedWorkspaces(dbOf(c.env), id, value))) throw new ApiError("not_found", "user not found");
    await audit(c, {
      action: "user.workspace_limit",
      workspaceId: null,
      targetType: "user",
      targetId: id,
      details: { maxOwnedWorkspaces: value },
    });
    const { limit, override } = await maxOwnedWorkspaces(c.env, id);
    return c.json({ userId: id, maxOwnedWorkspaces: limit, override }, 200);
  },
});

const overrideRoutes = [
  { path: "/api/workspaces/current/quota-overrides", byId: false },
  { path: "/api/admin/workspaces/{workspaceId}/quota-overrides", byId: true },
] as const;

for (const { path, byId } of overrideRoutes) {
  const target = (c: { get: (k: "auth") => { workspaceId: string }; req: { param: (k: string) => string | undefined } }) =>
    byId ? (c.req.param("workspaceId") ?? "") : c.get("auth").workspaceId;

  admin.get(path, operatorOnly(), {
    summary: byId ? "A workspace's plan, limits and overrides (operators)" : "The current workspace's quota overrides (operators)",
    responses: { 200: jsonResponse(planSchema) },
    handler: async (c) => c.json(await planInfo(c.env, target(c)), 200),
  });

  admin.put(path, operatorOnly(), {
    summary: "Set (number) or clear (null) quota overrides (operators)",
    request: jsonBody(quotaOverridesBody),
    responses: { 200: jsonResponse(planSchema) },
    handler: async (c, { auth, body }) => {
      const workspaceId = target(c);
      await planInfo(c.env, workspaceId);
      await applyOverrides(c.env, workspaceId, auth.userId, body);
      await audit(c, { action: "quota.override", workspaceId, targetType: "workspace", targetId: workspaceId, details: body.overrides });
      return c.json(await planInfo(c.env, workspaceId), 200);
    },
  });
}

export default router;
