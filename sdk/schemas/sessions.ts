import { z } from "zod";
import { activityFields } from "../protocol/runtime-host";
import { LIFECYCLE_PHASES, SESSION_STATES } from "../states";
import { idSchema, timestampFields, trimmedText, workspaceRecordFields } from "./common";
import { gitSourceSchema } from "./git";

export const sessionNameSchema = trimmedText(48).regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and dashes");

export const createSessionBody = z.object({
  name: sessionNameSchema,
  templateId: idSchema.optional(),
  startOnIntent: z.boolean().optional(),
  /** Start the runtime right away (default). */
  start: z.boolean().optional(),
  /** Clone this repository at the first start (overrides the template's `git`). */
  git: gitSourceSchema.optional(),
});

/** A session's state and its version, which each transition bumps (the higher version is the newer report). */
const sessionStateFields = { state: z.enum(SESSION_STATES), stateVersion: z.number().int() };

export const sessionSchema = z.object({
  ...workspaceRecordFields,
  ownerId: z.string(),
  name: z.string(),
  templateId: z.string().nullable(),
  versionId: z.string().nullable(),
  ...sessionStateFields,
  runtimeStatus: z.string().nullable(),
  runtimeState: z.string().nullable(),
  lastBootstrapAt: z.string().nullable(),
  lastLifecyclePhase: z.enum(LIFECYCLE_PHASES).nullable(),
  failureReason: z.string().nullable(),
  previewPort: z.number().nullable(),
  /** Wake this session in the background when its user opens the dashboard, its workbench or `flare ssh`. */
  startOnIntent: z.boolean(),
  newerVersionAvailable: z.boolean(),
  ...timestampFields,
  lastActiveAt: z.string().nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

/** PATCH /api/sessions/:sessionId: settings that are not lifecycle transitions. */
export const updateSessionBody = sessionSchema.pick({ startOnIntent: true });
export type UpdateSessionBody = z.infer<typeof updateSessionBody>;

export const sshTokenSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  sshUser: z.string(),
  /** Fingerprint of the key bound to this one connection (`publicKey` in the request), else null. */
  boundKeyFingerprint: z.string().nullable().optional(),
  /** The session the token is for, as it stands: a client that knew only its id needs no second request. */
  session: sessionSchema.pick({ id: true, name: true, state: true }).optional(),
});
export type SSHToken = z.infer<typeof sshTokenSchema>;

/**
 * `publicKey` binds one OpenSSH public key to the token: the connection it opens accepts that
 * key and no other. This is how API tokens (which cannot register account keys) get SSH.
 */
export const sshTokenBodySchema = z.object({ publicKey: z.string().trim().min(16).max(16_384).optional() });
export type SSHTokenBody = z.infer<typeof sshTokenBodySchema>;

/** Longest a keep-awake lease may hold a session awake (the plan may lower it). */
export const MAX_KEEP_AWAKE_MINUTES = 8 * 60;
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 15 * 60;

export const keepAwakeBody = z.object({
  /** 0 releases every lease. */
  minutes: z.number().int().min(0).max(MAX_KEEP_AWAKE_MINUTES),
});
export type KeepAwakeBody = z.infer<typeof keepAwakeBody>;

export const ACTIVITY_KINDS = ["terminal", "ssh", "preview", "files"] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const keepAwakeLeaseSchema = z.object({ id: z.string(), until: z.string(), createdBy: z.string().nullable() });

/** Why a running session is awake and when it will sleep; null when it is not running. */
export const sessionActivitySchema = z.object({
  idleTimeoutSeconds: z.number().int(),
  lastActivityAt: z.string().nullable(),
  ...activityFields(z.string().nullable(), z.number().int()),
  leases: z.array(keepAwakeLeaseSchema),
  sleepsAt: z.string().nullable(),
  /** Human-readable reasons, most decisive first ("keep-awake lease until …", "terminal activity at …"). */
  keptAwakeBy: z.array(z.string()),
});
export type SessionActivity = z.infer<typeof sessionActivitySchema>;

export const sessionDetailSchema = sessionSchema.extend({ activity: sessionActivitySchema.nullable() });
export type SessionDetail = z.infer<typeof sessionDetailSchema>;

export const sessionResponse = z.object({ session: sessionSchema });
export const sessionDetailResponse = z.object({ session: sessionDetailSchema });
/** Page size of GET /api/sessions when `limit` is not given, and the most one page may hold. */
export const SESSION_PAGE_DEFAULT = 50;
export const SESSION_PAGE_MAX = 200;

/** Comma-separated states (`state=running,sleeping`); each one of SESSION_STATES. */
const stateFilter = z
  .string()
  .max(200)
  .transform((v, ctx) => {
    const states = [...new Set(v.split(",").map((x) => x.trim()))];
    for (const state of states) {
      if (!(SESSION_STATES as readonly string[]).includes(state)) {
        ctx.addIssue({ code: "custom", message: `state must be one of ${SESSION_STATES.join(", ")}` });
        return z.NEVER;
      }
    }
    return states as (typeof SESSION_STATES)[number][];
  });

/**
 * GET /api/sessions?limit=&cursor=&state=&templateId=&owner=&name=&q=: newest first; `cursor` is
 * the previous page's `nextCursor` (of the same filters). `owner` is a user id or `me`; `name` is
 * exact, `q` a part of the name.
 */
export const sessionListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(SESSION_PAGE_MAX).optional(),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, "cursor is the nextCursor of the previous page")
    .optional(),
  state: stateFilter.optional(),
  templateId: idSchema.optional(),
  owner: z.union([z.literal("me"), idSchema]).optional(),
  name: sessionNameSchema.optional(),
  // Names are [a-z0-9-], so a search outside that set can match nothing: refuse it instead.
  q: z
    .string()
    .trim()
    .toLowerCase()
    .max(48)
    .regex(/^[a-z0-9-]*$/, "search by lowercase letters, digits and dashes")
    .optional(),
});
export type SessionListQuery = z.infer<typeof sessionListQuery>;

/** One page of sessions; `nextCursor` is null on the last page. */
export const sessionListResponse = z.object({ sessions: z.array(sessionSchema), nextCursor: z.string().nullable() });
export type SessionListResponse = z.infer<typeof sessionListResponse>;

export const SESSION_EVENT_TYPES = ["transition", "phase", "warning", "error", "info"] as const;

/**
 * One entry of GET /api/sessions/:sessionId/events (Server-Sent Events: `id:` is `seq`, `event:` is `type`,
 * `data:` is this object as JSON). `sleepsAt` is set on the warning before an idle sleep.
 */
export const sessionEventSchema = z.object({
  seq: z.number().int(),
  type: z.enum(SESSION_EVENT_TYPES),
  at: z.string(),
  ...sessionStateFields,
  phase: z.enum(LIFECYCLE_PHASES).nullable(),
  message: z.string().nullable(),
  sleepsAt: z.string().nullable(),
});
export type SessionEvent = z.infer<typeof sessionEventSchema>;

/**
 * One entry of GET /api/sessions/events: a session of the workspace changed (created, moved state
 * or phase, deleted). SSE `id:` is `seq`, `event:` is `session`. A client that (re)connects
 * refetches what it shows, so a missed event costs one page, never a wrong list.
 */
export const workspaceSessionEventSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  sessionId: z.string(),
  ...sessionStateFields,
  phase: z.enum(LIFECYCLE_PHASES).nullable(),
  failureReason: z.string().nullable(),
});
export type WorkspaceSessionEvent = z.infer<typeof workspaceSessionEventSchema>;
