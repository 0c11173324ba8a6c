import { ApiError } from "@burstflare/sdk/errors";
import { PLAN_LIMITS, type Plan, QUOTA_LIMITS, type QuotaLimit, type QuotaLimits } from "@burstflare/sdk/schemas/workspaces";
import { countActiveBuilds } from "../builds/builds-repo";
import type { AppBindings } from "../env";
import { type Db, dbOf } from "../lib/db";
import { countLiveSessions, countSessionsHoldingRuntime } from "../sessions/sessions-repo";
import { sumTemplateBytes } from "../templates/templates-repo";
import { countLiveTemplates, listQuotaOverrides, sumSnapshotBytes } from "./quotas-repo";
import { sumBuildSecondsSince } from "./usage-repo";
import { findPlan } from "./workspaces-repo";

function isPlan(value: string): value is Plan {
  return value in PLAN_LIMITS;
}

async function workspacePlan(env: AppBindings, workspaceId: string): Promise<Plan> {
  const plan = await findPlan(dbOf(env), workspaceId);
  return plan && isPlan(plan) ? plan : "free";
}

export async function getOverrides(env: AppBindings, workspaceId: string): Promise<Partial<QuotaLimits>> {
  const rows = await listQuotaOverrides(dbOf(env), workspaceId);
  const out: Partial<QuotaLimits> = {};
  for (const r of rows) {
    if ((QUOTA_LIMITS as readonly string[]).includes(r.limitName)) out[r.limitName as QuotaLimit] = r.value;
  }
  return out;
}

/** The plan's limits with operator overrides applied on top. */
export async function getLimits(env: AppBindings, workspaceId: string): Promise<QuotaLimits> {
  const [plan, overrides] = await Promise.all([workspacePlan(env, workspaceId), getOverrides(env, workspaceId)]);
  return { ...PLAN_LIMITS[plan], ...overrides };
}

function monthStartDay(at: number): string {
  return `${new Date(at).toISOString().slice(0, 7)}-01`;
}

/** How each limit's current consumption is measured; build minutes count the current UTC calendar month. */
const USE: Record<QuotaLimit, (db: Db, workspaceId: string, at: number) => Promise<number>> = {
  runningSessions: countSessionsHoldingRuntime,
  totalSessions: countLiveSessions,
  templates: countLiveTemplates,
  snapshotBytes: sumSnapshotBytes,
  buildMinutes: async (db, workspaceId, at) => Math.ceil((await sumBuildSecondsSince(db, workspaceId, monthStartDay(at))) / 60),
  activeBuilds: countActiveBuilds,
  templateBytes: sumTemplateBytes,
};

function currentUse(env: AppBindings, workspaceId: string, limit: QuotaLimit, at = Date.now()): Promise<number> {
  return USE[limit](dbOf(env), workspaceId, at);
}

export async function currentUsage(env: AppBindings, workspaceId: string): Promise<QuotaLimits> {
  const values = await Promise.all(QUOTA_LIMITS.map((l) => currentUse(env, workspaceId, l)));
  return Object.fromEntries(QUOTA_LIMITS.map((l, i) => [l, values[i]])) as QuotaLimits;
}

const LIMIT_LABEL: Record<QuotaLimit, string> = {
  runningSessions: "running sessions",
  totalSessions: "sessions",
  templates: "templates",
  snapshotBytes: "snapshot storage bytes",
  buildMinutes: "build minutes this month",
  activeBuilds: "builds queued or running",
  templateBytes: "template bundle and artifact bytes",
};

/**
 * Refuses an action that would take a workspace past a limit. Call it before the write;
 * `adding` is how much the action consumes (1 session, N bytes, …). A check and a later write
 * are two steps that parallel requests all pass together: where a limit must hold exactly, the
 * write carries the limit itself (sessions: insertSession, claimRunningSlot; builds: the statement
 * that queues one) and a refused write answers with quotaRefusal or quotaExceeded.
 */
export async function assertQuota(env: AppBindings, workspaceId: string, limit: QuotaLimit, adding = 1): Promise<void> {
  const [limits, current] = await Promise.all([getLimits(env, workspaceId), currentUse(env, workspaceId, limit)]);
  const max = limits[limit];
  if (current + adding > max) throw quotaExceeded(limit, max, current);
}

/** The 403 quota_exceeded answer; also for writes that check a limit in their own SQL statement. */
export function quotaExceeded(limit: QuotaLimit, max: number, current: number): ApiError {
  return new ApiError("quota_exceeded", `quota exceeded: ${limit} limit is ${max} ${LIMIT_LABEL[limit]} (currently ${current})`, {
    details: { limit, max, current },
  });
}

/** The quota_exceeded error for a write that its limit refused, with the use as it is now. */
export async function quotaRefusal(env: AppBindings, workspaceId: string, limit: QuotaLimit): Promise<ApiError> {
  const [limits, current] = await Promise.all([getLimits(env, workspaceId), currentUse(env, workspaceId, limit)]);
  return quotaExceeded(limit, limits[limit], current);
}
