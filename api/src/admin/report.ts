import type { AdminBuild, AdminReport, RecentFailure } from "../../../sdk/schemas/admin";
import { BUILD_STATES, type BuildState, SESSION_STATES, type SessionState } from "../../../sdk/states";
import { findStuckBuilds } from "../builds/stuck";
import type { AppBindings } from "../env";
import { iso, now } from "../lib/time";
import { startLatencyStats } from "../metrics/start-latency";
import { lastReconcile } from "../reconcile/last-run";
import { getRuntimeDriver } from "../runtime-drivers/select";
import { msToDays, opsPolicy } from "./policy";

const RECENT_FAILURES = 20;
const DAY_MS = 24 * 3600 * 1000;
const DEAD_LETTERED_LISTED = 100;

async function count(env: AppBindings, sql: string, ...args: unknown[]): Promise<number> {
  return (
    (
      await env.DB.prepare(sql)
        .bind(...args)
        .first<{ n: number }>()
    )?.n ?? 0
  );
}

async function grouped<K extends string>(env: AppBindings, sql: string, keys: readonly K[]): Promise<Record<K, number>> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  const { results } = await env.DB.prepare(sql).all<{ k: K; n: number }>();
  for (const r of results) if (r.k in out) out[r.k] = r.n;
  return out;
}

async function deadLettered(env: AppBindings): Promise<AdminBuild[]> {
  const { results } = await env.DB.prepare(
    `SELECT b.id, b.workspace_id, b.template_id, t.name AS template_name, v.version, b.status, b.attempts, b.error, b.updated_at
     FROM template_builds b LEFT JOIN templates t ON t.id = b.template_id LEFT JOIN template_versions v ON v.id = b.version_id
     WHERE b.status = 'dead_lettered' ORDER BY b.updated_at DESC LIMIT ?`,
  )
    .bind(DEAD_LETTERED_LISTED)
    .all<{
      id: string;
      workspace_id: string | null;
      template_id: string;
      template_name: string | null;
      version: string | null;
      status: BuildState;
      attempts: number;
      error: string | null;
      updated_at: number;
    }>();
  return results.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    templateId: r.template_id,
    templateName: r.template_name,
    version: r.version,
    status: r.status,
    attempts: r.attempts,
    error: r.error,
    updatedAt: iso(r.updated_at) ?? "",
  }));
}

/** Failed and dead-lettered builds and failed sessions, newest first, with the reason recorded. */
async function recentFailures(env: AppBindings): Promise<RecentFailure[]> {
  const builds = await env.DB.prepare(
    `SELECT b.id, b.workspace_id, t.name, b.status, b.error AS reason, b.updated_at AS at FROM template_builds b
     LEFT JOIN templates t ON t.id = b.template_id WHERE b.status IN ('failed', 'dead_lettered') ORDER BY b.updated_at DESC LIMIT ?`,
  )
    .bind(RECENT_FAILURES)
    .all<{ id: string; workspace_id: string | null; name: string | null; status: string; reason: string | null; at: number }>();
  const sessions = await env.DB.prepare(
    `SELECT id, workspace_id, name, state AS status, failure_reason AS reason, updated_at AS at FROM sessions
     WHERE state = 'failed' AND deleted_at IS NULL ORDER BY updated_at DESC LIMIT ?`,
  )
    .bind(RECENT_FAILURES)
    .all<{ id: string; workspace_id: string; name: string; status: string; reason: string | null; at: number }>();
  return [
    ...builds.results.map((r) => ({ kind: "build" as const, ...r })),
    ...sessions.results.map((r) => ({ kind: "session" as const, ...r })),
  ]
    .sort((a, b) => b.at - a.at)
    .slice(0, RECENT_FAILURES)
    .map((r) => ({ kind: r.kind, id: r.id, workspaceId: r.workspace_id, name: r.name, status: r.status, reason: r.reason, at: iso(r.at) }));
}

/** GET /api/admin/report: the fleet at a glance, across every workspace. */
export async function buildReport(env: AppBindings, at = now()): Promise<AdminReport> {
  const policy = opsPolicy(env);
  const sessionsByState = await grouped<SessionState>(
    env,
    "SELECT state AS k, COUNT(*) AS n FROM sessions WHERE deleted_at IS NULL GROUP BY state",
    SESSION_STATES,
  );
  const buildsByStatus = await grouped<BuildState>(
    env,
    "SELECT status AS k, COUNT(*) AS n FROM template_builds GROUP BY status",
    BUILD_STATES,
  );
  const snapshots = await env.DB.prepare(
    "SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS bytes FROM snapshots WHERE deleted_at IS NULL AND status = 'ready'",
  ).first<{ n: number; bytes: number }>();
  const [stuck, grants, users, workspaces, templates, dSessions, dSnapshots, dTemplates, dWorkspaces] = await Promise.all([
    findStuckBuilds(env, at),
    count(env, "SELECT COUNT(*) AS n FROM upload_grants WHERE used_at IS NULL AND expires_at > ?", at),
    count(env, "SELECT COUNT(*) AS n FROM users WHERE deleted_at IS NULL"),
    count(env, "SELECT COUNT(*) AS n FROM workspaces WHERE deleted_at IS NULL"),
    count(env, "SELECT COUNT(*) AS n FROM templates WHERE deleted_at IS NULL"),
    count(env, "SELECT COUNT(*) AS n FROM sessions WHERE deleted_at IS NOT NULL"),
    count(env, "SELECT COUNT(*) AS n FROM snapshots WHERE deleted_at IS NOT NULL"),
    count(env, "SELECT COUNT(*) AS n FROM templates WHERE deleted_at IS NOT NULL"),
    count(env, "SELECT COUNT(*) AS n FROM workspaces WHERE deleted_at IS NOT NULL"),
  ]);
  return {
    generatedAt: iso(at) ?? "",
    buildsDeadLettered: buildsByStatus.dead_lettered,
    buildsStuck: stuck.length,
    sessionsSleeping: sessionsByState.sleeping,
    sessionsRunning: sessionsByState.running,
    sessionsFailed: sessionsByState.failed,
    activeUploadGrants: grants,
    pendingPurge: { sessions: dSessions, snapshots: dSnapshots, templates: dTemplates, workspaces: dWorkspaces },
    totals: {
      users,
      workspaces,
      sessions: Object.values(sessionsByState).reduce((a, b) => a + b, 0),
      templates,
      builds: Object.values(buildsByStatus).reduce((a, b) => a + b, 0),
      snapshots: snapshots?.n ?? 0,
      snapshotBytes: snapshots?.bytes ?? 0,
    },
    sessionsByState,
    buildsByStatus,
    deadLetteredBuilds: await deadLettered(env),
    recentFailures: await recentFailures(env),
    startLatency: await startLatencyStats(env, at - DAY_MS),
    policy: {
      deletedRetentionDays: msToDays(policy.deletedRetentionMs),
      sleepingStopAfterDays: msToDays(policy.sleepingStopAfterMs),
      buildStuckAfterSeconds: policy.buildStuckAfterMs / 1000,
      stuckBuildPolicy: policy.stuckBuildPolicy,
    },
    lastReconcile: await lastReconcile(env),
    runtimeHost: await runtimeHostReport(env),
  };
}

async function runtimeHostReport(env: AppBindings): Promise<AdminReport["runtimeHost"]> {
  const health = await getRuntimeDriver(env)
    .hostHealth?.()
    .catch(() => null);
  return health ? { sandbox: health.sandbox, reason: health.reason, isolation: health.isolation } : null;
}
