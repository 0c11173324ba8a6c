import { stuckAfterMs } from "../builds/stuck";
import type { AppBindings } from "../env";

/**
 * Operations policy from Worker vars (wrangler.toml [vars]; scripts/lib/cloudflare-config.mjs
 * for production). Fractional days are allowed so tests and drills can use short windows.
 */
export interface OpsPolicy {
  /** How long a deleted session, snapshot, template or workspace stays restorable before purge. */
  deletedRetentionMs: number;
  /** A session asleep longer than this is stopped (its sleep snapshot is its final one). */
  sleepingStopAfterMs: number;
  buildStuckAfterMs: number;
  /** A build stuck in `building`: marked failed (retryable by its owner) or queued again. */
  stuckBuildPolicy: "fail" | "requeue";
  /** Bounds per reconcile run, so one run stays well inside a queue consumer's time. */
  maxSessionChecks: number;
  maxPurges: number;
  maxObjectsScanned: number;
  /** R2 objects younger than this are never orphans: their row may be about to be written. */
  orphanGraceMs: number;
  /** Share links' access log rows older than this are deleted (every request through a link writes one). */
  shareAccessRetentionMs: number;
  /** Audit log rows older than this are deleted (workspace exports keep what they copied). */
  auditRetentionMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function numberVar(env: AppBindings, name: string, fallback: number): number {
  const raw = (env as unknown as Record<string, unknown>)[name];
  const value = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

export function opsPolicy(env: AppBindings): OpsPolicy {
  const stuck = (env as unknown as Record<string, unknown>).STUCK_BUILD_POLICY;
  return {
    deletedRetentionMs: numberVar(env, "DELETED_RETENTION_DAYS", 7) * DAY_MS,
    sleepingStopAfterMs: numberVar(env, "SLEEPING_STOP_AFTER_DAYS", 14) * DAY_MS,
    buildStuckAfterMs: stuckAfterMs(env),
    stuckBuildPolicy: stuck === "requeue" ? "requeue" : "fail",
    maxSessionChecks: Math.max(1, Math.floor(numberVar(env, "RECONCILE_MAX_SESSION_CHECKS", 100))),
    maxPurges: Math.max(1, Math.floor(numberVar(env, "RECONCILE_MAX_PURGES", 100))),
    maxObjectsScanned: Math.max(1, Math.floor(numberVar(env, "RECONCILE_MAX_OBJECTS_SCANNED", 5000))),
    orphanGraceMs: numberVar(env, "ORPHAN_GRACE_SECONDS", 3600) * 1000,
    shareAccessRetentionMs: numberVar(env, "SHARE_ACCESS_RETENTION_DAYS", 30) * DAY_MS,
    auditRetentionMs: numberVar(env, "AUDIT_RETENTION_DAYS", 365) * DAY_MS,
  };
}

export const msToDays = (ms: number): number => ms / DAY_MS;
