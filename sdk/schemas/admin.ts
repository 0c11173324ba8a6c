import { z } from "zod";
import { hostHealth } from "../protocol/runtime-host";
import { BUILD_STATES, SESSION_STATES } from "../states";
import { buildSchema } from "./builds";
import { countFields, idSchema, nullableWorkspaceRecordFields } from "./common";
import { startLatencyStatsSchema } from "./metrics";

/** A build or session that failed recently, with the reason an operator acts on. */
export const recentFailureSchema = z.object({
  kind: z.enum(["build", "session"]),
  ...nullableWorkspaceRecordFields,
  /** Template name for builds, session name for sessions. */
  name: z.string().nullable(),
  status: z.string(),
  reason: z.string().nullable(),
  at: z.string().nullable(),
});
export type RecentFailure = z.infer<typeof recentFailureSchema>;

/** A dead-lettered build across all workspaces, for the operator page's retry list. */
export const adminBuildSchema = buildSchema
  .pick({
    id: true,
    workspaceId: true,
    templateId: true,
    templateName: true,
    version: true,
    status: true,
    attempts: true,
    error: true,
    updatedAt: true,
  })
  /** Null when the template or version row is gone: the report joins them to the build, it does not require them. */
  .extend({ templateName: z.string().nullable(), version: z.string().nullable() });
export type AdminBuild = z.infer<typeof adminBuildSchema>;

/**
 * GET /api/admin/report. The headline fields (DESIGN §3) are plain numbers so the runbook's
 * thresholds read straight off them; `totals` counts live (not deleted) records.
 */
export const adminReportSchema = z.object({
  generatedAt: z.string(),
  ...countFields(["buildsDeadLettered", "buildsStuck", "sessionsSleeping", "sessionsRunning", "sessionsFailed", "activeUploadGrants"]),
  /** Things deleted but still restorable (inside the retention window). */
  pendingPurge: z.object(countFields(["sessions", "snapshots", "templates", "workspaces"])),
  totals: z.object(countFields(["users", "workspaces", "sessions", "templates", "builds", "snapshots", "snapshotBytes"])),
  sessionsByState: z.record(z.enum(SESSION_STATES), z.number().int()),
  buildsByStatus: z.record(z.enum(BUILD_STATES), z.number().int()),
  deadLetteredBuilds: z.array(adminBuildSchema),
  recentFailures: z.array(recentFailureSchema),
  /** Session start and wake latency p50/p95 over the last day, and what start on intent saved. */
  startLatency: startLatencyStatsSchema,
  policy: z.object({
    deletedRetentionDays: z.number(),
    sleepingStopAfterDays: z.number(),
    buildStuckAfterSeconds: z.number(),
    stuckBuildPolicy: z.enum(["fail", "requeue"]),
  }),
  lastReconcile: z.object({ at: z.string(), preview: z.boolean(), actions: z.number().int(), failed: z.number().int() }).nullable(),
  /** The local runtime host's sandbox and the isolation in force; null on Containers or when the host is unreachable. */
  runtimeHost: hostHealth.pick({ sandbox: true, reason: true, isolation: true }).nullable().optional(),
});
export type AdminReport = z.infer<typeof adminReportSchema>;

export const RECONCILE_ACTION_KINDS = [
  "session_check_idle",
  "session_stop_long_sleeping",
  "session_stop_deleted",
  "session_release_stale_claim",
  "session_purge",
  "snapshot_purge",
  "template_purge",
  "workspace_purge",
  "build_recover_stuck",
  "upload_grant_expire",
  "share_access_expire",
  "audit_expire",
  "auth_challenge_expire",
  "sign_in_expire",
  "refresh_token_expire",
  "orphan_object_delete",
] as const;
export type ReconcileActionKind = (typeof RECONCILE_ACTION_KINDS)[number];

export const reconcileActionSchema = z.object({
  kind: z.enum(RECONCILE_ACTION_KINDS),
  targetType: z.string(),
  targetId: z.string(),
  /** Why the action is planned (age, state, policy). */
  reason: z.string(),
  /** After a run: what happened. `noop` when the target needed nothing after all (an idle check of a busy session). */
  outcome: z.enum(["planned", "done", "noop", "failed"]),
  error: z.string().optional(),
});
export type ReconcileAction = z.infer<typeof reconcileActionSchema>;

export const reconcileBody = z.object({ preview: z.boolean().optional() }).strict();
export const reconcileQuery = z.object({ preview: z.enum(["1", "true", "0", "false"]).optional() });

export const reconcileResultSchema = z.object({
  preview: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number(),
  /** Actions that changed something (preview: that would run), and actions that failed. */
  ...countFields(["changed", "failed"]),
  counts: z.record(z.string(), z.number().int()),
  actions: z.array(reconcileActionSchema),
  /** Set when a per-run bound cut the work short; the next run continues. */
  truncated: z.boolean(),
});
export type ReconcileResult = z.infer<typeof reconcileResultSchema>;

export const RESTORABLE_KINDS = ["session", "snapshot", "template", "workspace"] as const;
export type RestorableKind = (typeof RESTORABLE_KINDS)[number];

export const restoreBody = z.object({ kind: z.enum(RESTORABLE_KINDS), id: idSchema }).strict();
export type RestoreBody = z.infer<typeof restoreBody>;

/** What an operator restores: a deleted session, snapshot, template or workspace. */
const restorableSchema = z.object({
  kind: z.enum(RESTORABLE_KINDS),
  ...nullableWorkspaceRecordFields,
});

export const restoreResultSchema = restorableSchema.extend({
  /** What came back with it (a workspace's sessions, templates and snapshots). */
  restored: z.object(countFields(["sessions", "snapshots", "templates"])),
});
export type RestoreResult = z.infer<typeof restoreResultSchema>;

/** GET /api/admin/deleted: what an operator can still restore, newest first. */
export const deletedItemSchema = restorableSchema.extend({
  name: z.string().nullable(),
  deletedAt: z.string(),
  purgeAfter: z.string(),
});
export const deletedListSchema = z.object({ items: z.array(deletedItemSchema) });
export type DeletedItem = z.infer<typeof deletedItemSchema>;
