import { type AdminBuild, type AdminReport, type RecentFailure, recentFailureSchema } from "@burstflare/sdk/schemas/admin";
import { BUILD_STATES, type BuildState, SESSION_STATES, type SessionState } from "@burstflare/sdk/states";
import { findStuckBuilds } from "../builds/stuck";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { isoView } from "../lib/rows";
import { iso, now } from "../lib/time";
import { startLatencyStats } from "../metrics/start-latency";
import { lastReconcile } from "../reconcile/last-run";
import { getRuntimeDriver } from "../runtime-drivers/select";
import { msToDays, opsPolicy } from "./policy";
import {
  countActiveUploadGrants,
  countBuildsByStatus,
  countDeletedSessions,
  countDeletedSnapshots,
  countDeletedTemplates,
  countDeletedWorkspaces,
  countLiveTemplatesAll,
  countLiveUsers,
  countLiveWorkspaces,
  countSessionsByState,
  listDeadLetteredBuilds,
  listFailedBuilds,
  listFailedSessions,
  readySnapshotTotals,
} from "./report-repo";

const RECENT_FAILURES = 20;
const DAY_MS = 24 * 3600 * 1000;
const DEAD_LETTERED_LISTED = 100;

function grouped<K extends string>(rows: { key: string; n: number }[], keys: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const r of rows) if (r.key in out) out[r.key as K] = r.n;
  return out;
}

async function deadLettered(env: AppBindings): Promise<AdminBuild[]> {
  return listDeadLetteredBuilds(dbOf(env), DEAD_LETTERED_LISTED);
}

/** Failed and dead-lettered builds and failed sessions, newest first, with the reason recorded. */
async function recentFailures(env: AppBindings): Promise<RecentFailure[]> {
  const db = dbOf(env);
  const builds = await listFailedBuilds(db, RECENT_FAILURES);
  const sessions = await listFailedSessions(db, RECENT_FAILURES);
  return [...builds.map((r) => ({ kind: "build" as const, ...r })), ...sessions.map((r) => ({ kind: "session" as const, ...r }))]
    .sort((a, b) => b.at - a.at)
    .slice(0, RECENT_FAILURES)
    .map((r) => isoView(recentFailureSchema, ["at"], r));
}

/** GET /api/admin/report: the fleet at a glance, across every workspace. */
export async function buildReport(env: AppBindings, at = now()): Promise<AdminReport> {
  const policy = opsPolicy(env);
  const db = dbOf(env);
  const sessionsByState = grouped<SessionState>(await countSessionsByState(db), SESSION_STATES);
  const buildsByStatus = grouped<BuildState>(await countBuildsByStatus(db), BUILD_STATES);
  const snapshots = await readySnapshotTotals(db);
  const [stuck, grants, users, workspaces, templates, dSessions, dSnapshots, dTemplates, dWorkspaces] = await Promise.all([
    findStuckBuilds(env, at),
    countActiveUploadGrants(db, at),
    countLiveUsers(db),
    countLiveWorkspaces(db),
    countLiveTemplatesAll(db),
    countDeletedSessions(db),
    countDeletedSnapshots(db),
    countDeletedTemplates(db),
    countDeletedWorkspaces(db),
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
