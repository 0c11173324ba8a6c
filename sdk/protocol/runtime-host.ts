import { z } from "zod";
import { resourceClass } from "../resource-classes";

/**
 * The local driver's host (runtime/src/host) listens on 127.0.0.1 and is called by the
 * Worker with the shared secret in RUNTIME_SECRET_HEADER. It spawns one agent per runtime.
 * Agents are called with the per-runtime token in AGENT_TOKEN_HEADER.
 */
export const RUNTIME_SECRET_HEADER = "x-runtime-secret";
export const AGENT_TOKEN_HEADER = "x-agent-token";

export const startRuntimeBody = z.object({
  /** Session id, or `build-<id>` for a build runtime. */
  runtimeId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
  env: z.record(z.string(), z.string()).default({}),
  persistedPaths: z.array(z.string()).default([]),
  previewPort: z.number().int().optional(),
  /** Remove the runtime's workspace folder first (fresh runtime). */
  fresh: z.boolean().default(true),
  /**
   * Local driver: keep the workspace folder instead when the host sealed it for exactly this
   * restore point after the runtime's last stop and nothing wrote it since (RuntimeInfo.reusedWorkspace).
   */
  reuse: z.object({ snapshotId: z.string().min(1).max(100) }).optional(),
  /** The template's resource class: the limits the runtime gets (DEFAULT_RESOURCE_CLASS when absent). */
  resourceClass: resourceClass.optional(),
});
export type StartRuntimeBody = z.infer<typeof startRuntimeBody>;

/**
 * Per-file manifest of a snapshot's persisted paths (built by runtime/src/agent/snapshot/manifest.ts),
 * stored beside every snapshot archive in R2 so the next autosave can ship only what changed. `m`
 * (mtime, ns) is only a cache key: a file whose size and mtime equal the base's keeps the base's
 * content hash without being read again.
 */
const manifestEntry = z.object({
  p: z.string(),
  t: z.enum(["f", "d", "l"]),
  s: z.number(),
  m: z.string(),
  mode: z.number(),
  l: z.string().optional(),
  h: z.string().optional(),
});
export const snapshotManifest = z.object({ version: z.literal(1), entries: z.array(manifestEntry) });

/**
 * Host `POST /runtimes/:runtimeId/keep` after the runtime stopped: seal its workspace folder for the next
 * start when it equals snapshot `snapshotId` (whose manifest this is). Answers `{ kept, reason? }`.
 */
export const keepWorkspaceBody = z.object({
  snapshotId: z.string().min(1).max(100),
  persistedPaths: z.array(z.string()).default([]),
  manifest: snapshotManifest,
});
export type KeepWorkspaceBody = z.infer<typeof keepWorkspaceBody>;
export const keepWorkspaceResponse = z.object({ kept: z.boolean(), reason: z.string().optional() });

export const runtimeInfo = z.object({
  runtimeId: z.string(),
  agentURL: z.string(),
  agentToken: z.string(),
  pid: z.number().int(),
  workspaceDir: z.string(),
  startedAt: z.string(),
  /** The restore point the kept workspace folder provably holds; absent when the folder started empty. */
  reusedWorkspace: z.string().optional(),
});
export type RuntimeInfo = z.infer<typeof runtimeInfo>;

/**
 * Host GET /health: whether it can start runtimes and which isolation is in force. `uid` is
 * the container-like sandbox; `plain` (asked for explicitly) has none; `unavailable` means the
 * host refuses to start runtimes, for `reason`.
 */
export const hostHealth = z.object({
  ok: z.boolean(),
  sandbox: z.enum(["uid", "plain", "unavailable"]),
  reason: z.string().optional(),
  runtimes: z.number().int(),
  isolation: z.object({
    ownUser: z.boolean(),
    pidNamespace: z.boolean(),
    networkNamespace: z.boolean(),
    privateTmp: z.boolean(),
    noNewPrivs: z.boolean(),
    /** How each limit kind is enforced; null when it is not. */
    limits: z.object({
      memory: z.enum(["cgroup-v2", "cgroup-v1", "rlimit"]).nullable(),
      pids: z.enum(["cgroup-v2", "cgroup-v1", "rlimit"]).nullable(),
      cpu: z.enum(["cgroup-v2", "cgroup-v1"]).nullable(),
      /** Bytes of the disk of its own each runtime writes to (an ext4 image); null when unbounded. */
      disk: z.number().int().nullable(),
    }),
    /** The address block runtime subnets come from, when runtimes have their own network. */
    runtimeNetwork: z.string().nullable(),
  }),
});
export type HostHealth = z.infer<typeof hostHealth>;

/**
 * What keeps a runtime awake: when each kind of activity last happened and the open connections
 * of each kind. The agent reports it (AgentHealth, epoch ms) and the API shows it (SessionActivity, ISO).
 */
export const activityFields = <Time extends z.ZodType, Count extends z.ZodType>(time: Time, count: Count) => ({
  lastActivity: z.object({ terminal: time, ssh: time, preview: time, files: time }),
  connections: z.object({ terminal: count, ssh: count, preview: count }),
});

/** The latest epoch-ms time a Date can hold: anything later cannot be shown as ISO. */
const MAX_EPOCH_MS = 8.64e15;

/**
 * Agent GET /health: what keeps the runtime awake. The agent shares its uid with the session's
 * code, so this is the session's word: times and counts outside what a Date and a count can be
 * (a time past MAX_EPOCH_MS once made every GET of the session throw) are refused.
 */
export const agentHealth = z.object({
  ok: z.boolean(),
  runtimeId: z.string(),
  uptimeMs: z.number(),
  ...activityFields(z.number().int().min(0).max(MAX_EPOCH_MS).nullable(), z.number().int().min(0).max(1_000_000)),
  /**
   * Whether a revocation reaches what a member detached (the agent's member groups), and if not,
   * why (runtime/src/agent/exec/member-groups.ts). Diagnostics only: nothing acts on it.
   */
  memberGroups: z.object({ on: z.boolean(), reason: z.string().max(500).nullable() }).optional(),
});
export type AgentHealth = z.infer<typeof agentHealth>;
