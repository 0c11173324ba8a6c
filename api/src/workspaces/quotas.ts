import { ApiError } from "../../../sdk/errors";
import { PLAN_LIMITS, type Plan, QUOTA_LIMITS, type QuotaLimit, type QuotaLimits } from "../../../sdk/schemas/workspaces";
import type { AppBindings } from "../env";

export type { QuotaLimit } from "../../../sdk/schemas/workspaces";

/** Sessions that hold a runtime: they count against runningSessions. */
const RUNNING_STATES = ["starting", "running"];

function isPlan(value: string): value is Plan {
  return value in PLAN_LIMITS;
}

async function workspacePlan(env: AppBindings, workspaceId: string): Promise<Plan> {
  const row = await env.DB.prepare("SELECT plan FROM workspaces WHERE id = ?").bind(workspaceId).first<{ plan: string }>();
  return row && isPlan(row.plan) ? row.plan : "free";
}

export async function getOverrides(env: AppBindings, workspaceId: string): Promise<Partial<QuotaLimits>> {
  const rows = await env.DB.prepare("SELECT limit_name, value FROM quota_overrides WHERE workspace_id = ?")
    .bind(workspaceId)
    .all<{ limit_name: string; value: number }>();
  const out: Partial<QuotaLimits> = {};
  for (const r of rows.results) {
    if ((QUOTA_LIMITS as readonly string[]).includes(r.limit_name)) out[r.limit_name as QuotaLimit] = r.value;
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

/** Current consumption of one limit; build minutes count the current UTC calendar month. */
export async function currentUse(env: AppBindings, workspaceId: string, limit: QuotaLimit, at = Date.now()): Promise<number> {
  const db = env.DB;
  switch (limit) {
    case "runningSessions": {
      const row = await db
        .prepare(
          `SELECT COUNT(*) AS n FROM sessions WHERE workspace_id = ? AND deleted_at IS NULL AND state IN (${RUNNING_STATES.map(() => "?").join(",")})`,
        )
        .bind(workspaceId, ...RUNNING_STATES)
        .first<{ n: number }>();
      return row?.n ?? 0;
    }
    case "totalSessions": {
      const row = await db
        .prepare("SELECT COUNT(*) AS n FROM sessions WHERE workspace_id = ? AND deleted_at IS NULL AND state != 'deleted'")
        .bind(workspaceId)
        .first<{ n: number }>();
      return row?.n ?? 0;
    }
    case "templates": {
      const row = await db
        .prepare("SELECT COUNT(*) AS n FROM templates WHERE workspace_id = ? AND deleted_at IS NULL")
        .bind(workspaceId)
        .first<{ n: number }>();
      return row?.n ?? 0;
    }
    case "snapshotBytes": {
      const row = await db
        .prepare("SELECT COALESCE(SUM(bytes), 0) AS n FROM snapshots WHERE workspace_id = ? AND deleted_at IS NULL AND status != 'failed'")
        .bind(workspaceId)
        .first<{ n: number }>();
      return row?.n ?? 0;
    }
    case "buildMinutes": {
      const row = await db
        .prepare("SELECT COALESCE(SUM(value), 0) AS n FROM usage_daily WHERE workspace_id = ? AND metric = 'build_seconds' AND day >= ?")
        .bind(workspaceId, monthStartDay(at))
        .first<{ n: number }>();
      return Math.ceil((row?.n ?? 0) / 60);
    }
  }
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
};

/**
 * Refuses an action that would take a workspace past a limit. Call it before the write;
 * `adding` is how much the action consumes (1 session, N bytes, …).
 */
export async function assertQuota(env: AppBindings, workspaceId: string, limit: QuotaLimit, adding = 1): Promise<void> {
  const [limits, current] = await Promise.all([getLimits(env, workspaceId), currentUse(env, workspaceId, limit)]);
  const max = limits[limit];
  if (current + adding > max) {
    throw new ApiError("quota_exceeded", `quota exceeded: ${limit} limit is ${max} ${LIMIT_LABEL[limit]} (currently ${current})`, {
      details: { limit, max, current },
    });
  }
}
