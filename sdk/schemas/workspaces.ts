import { z } from "zod";
import { ENV_NAME_MAX, ENV_NAME_PATTERN, envNameSchema, envValueSchema } from "../reserved-env";
import { ROLES } from "../states";
import { countFields, emailSchema, idSchema, nameSchema, nullableWorkspaceRecordFields, timestampFields } from "./common";

// ---- plans and quotas ------------------------------------------------------

/**
 * `activeBuilds` bounds the builds queued or running at once: build minutes are metered when a build
 * ends, so without it any number of uploads made under the budget all ran, each up to 30 minutes.
 * `templateBytes` bounds the bundles and build artifacts of the workspace's templates (versions are
 * not counted by `templates`, so without it each upload added up to 100 MB more, without end).
 */
export const QUOTA_LIMITS = [
  "runningSessions",
  "totalSessions",
  "templates",
  "snapshotBytes",
  "buildMinutes",
  "activeBuilds",
  "templateBytes",
] as const;
export type QuotaLimit = (typeof QUOTA_LIMITS)[number];
export type QuotaLimits = Record<QuotaLimit, number>;

export const PLANS = ["free", "pro", "team"] as const;
export type Plan = (typeof PLANS)[number];

const GiB = 1024 ** 3;

/** Plan limits live in code; operators lift them per workspace with quota overrides. */
export const PLAN_LIMITS: Record<Plan, QuotaLimits> = {
  free: {
    runningSessions: 2,
    totalSessions: 5,
    templates: 5,
    snapshotBytes: 2 * GiB,
    buildMinutes: 120,
    activeBuilds: 2,
    templateBytes: 2 * GiB,
  },
  pro: {
    runningSessions: 5,
    totalSessions: 25,
    templates: 25,
    snapshotBytes: 20 * GiB,
    buildMinutes: 1_000,
    activeBuilds: 4,
    templateBytes: 20 * GiB,
  },
  team: {
    runningSessions: 20,
    totalSessions: 100,
    templates: 100,
    snapshotBytes: 200 * GiB,
    buildMinutes: 5_000,
    activeBuilds: 10,
    templateBytes: 200 * GiB,
  },
};

const limitsShape = z.object(countFields(QUOTA_LIMITS));

export const planSchema = z.object({
  plan: z.enum(PLANS),
  limits: limitsShape,
  planLimits: limitsShape,
  overrides: limitsShape.partial(),
  usage: limitsShape,
});
export type PlanInfo = z.infer<typeof planSchema>;

export const setPlanBody = z.object({ plan: z.enum(PLANS) });

export const quotaOverridesBody = z.object({
  /** A number sets the override; null clears it (back to the plan's limit). */
  overrides: z
    .object(
      Object.fromEntries(
        QUOTA_LIMITS.map((l) => [l, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable().optional()]),
      ) as Record<QuotaLimit, z.ZodOptional<z.ZodNullable<z.ZodNumber>>>,
    )
    .strict(),
});
export type QuotaOverridesBody = z.infer<typeof quotaOverridesBody>;

// ---- workspaces ------------------------------------------------------------

export const roleSchema = z.enum(ROLES);

export const workspaceSchema = z.object({
  id: z.string(),
  name: z.string(),
  personal: z.boolean(),
  plan: z.enum(PLANS),
  ownerId: z.string(),
  role: roleSchema,
  current: z.boolean(),
  createdAt: z.string(),
});
export type Workspace = z.infer<typeof workspaceSchema>;

export const workspaceListSchema = z.object({ workspaces: z.array(workspaceSchema) });
export const createWorkspaceBody = z.object({ name: nameSchema });
export const switchWorkspaceBody = z.object({ workspaceId: idSchema });
export const workspaceSettingsSchema = z.object({ workspace: workspaceSchema });
export const updateSettingsBody = z.object({ name: nameSchema });
export const transferOwnershipBody = z.object({ userId: idSchema });

// ---- members ---------------------------------------------------------------

export const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema,
  joinedAt: z.string(),
});
export type Member = z.infer<typeof memberSchema>;
export const memberListSchema = z.object({ members: z.array(memberSchema) });
export const changeRoleBody = z.object({ role: roleSchema });

// ---- invites ---------------------------------------------------------------

export const createInviteBody = z.object({
  email: emailSchema.optional(),
  role: roleSchema.default("member"),
  /** Hours until the code stops working; at most 30 days. */
  expiresInHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
});

export const inviteSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  role: roleSchema,
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  usedBy: z.string().nullable(),
  revokedAt: z.string().nullable(),
  status: z.enum(["pending", "used", "revoked", "expired"]),
});
export type Invite = z.infer<typeof inviteSchema>;
export const inviteListSchema = z.object({ invites: z.array(inviteSchema) });
/** The code is shown once, at creation; only its hash is stored. */
export const createdInviteSchema = z.object({ invite: inviteSchema, code: z.string() });
export const inviteCodeSchema = z
  .string()
  .trim()
  .min(8)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, "not an invite code");
export const acceptInviteBody = z.object({ code: inviteCodeSchema });
export const acceptedInviteSchema = z.object({ workspace: workspaceSchema });

// ---- secrets ---------------------------------------------------------------

/** Secret names become environment variable names in the runtime; sdk/reserved-env.ts says which may not. */
export const secretNameSchema = envNameSchema;
/** Any name that may be stored, including ones refused since: those must stay deletable. */
export const storedSecretNameSchema = z.string().min(1).max(ENV_NAME_MAX).regex(ENV_NAME_PATTERN);
export const putSecretBody = z.object({ name: secretNameSchema, value: envValueSchema });
export const secretSchema = z.object({ name: z.string(), ...timestampFields });
export type Secret = z.infer<typeof secretSchema>;
export const secretListSchema = z.object({ secrets: z.array(secretSchema) });

// ---- audit -----------------------------------------------------------------

export const auditQuery = z.object({
  action: z.string().max(100).optional(),
  actor: idSchema.optional(),
  target: z.string().max(128).optional(),
  since: z.coerce.number().int().min(0).optional(),
  until: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export const auditEntrySchema = z.object({
  ...nullableWorkspaceRecordFields,
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.unknown().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditPageSchema = z.object({ entries: z.array(auditEntrySchema), nextCursor: z.string().nullable() });

// ---- usage -----------------------------------------------------------------

export const USAGE_METRICS = ["runtime_seconds", "build_seconds", "snapshot_bytes"] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

export const usageQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });

const metricValues = z.object({ runtime_seconds: z.number(), build_seconds: z.number(), snapshot_bytes: z.number() });

export const usageSchema = z.object({
  days: z.number().int(),
  from: z.string(),
  to: z.string(),
  /** One row per UTC day in range, zeros included, oldest first. */
  daily: z.array(metricValues.extend({ day: z.string() })),
  /** One row per user and day that had usage. */
  byUser: z.array(metricValues.extend({ day: z.string(), userId: z.string(), email: z.string().nullable() })),
  totals: metricValues,
  limits: limitsShape,
  usage: limitsShape,
});
export type Usage = z.infer<typeof usageSchema>;

// ---- owned-workspace limit (operators) -------------------------------------

/** A number sets this user's limit on owned workspaces; null clears it (back to the deployment default). */
export const ownedWorkspaceLimitBody = z.object({ maxOwnedWorkspaces: z.number().int().min(0).max(10_000).nullable() });
export const ownedWorkspaceLimitSchema = z.object({
  userId: z.string(),
  maxOwnedWorkspaces: z.number().int(),
  override: z.number().int().nullable(),
});
