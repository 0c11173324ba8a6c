import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import { storedManifestSchema } from "@burstflare/sdk/schemas/manifest";
import { type Session, sessionSchema } from "@burstflare/sdk/schemas/sessions";
import { type LifecyclePhase, SESSION_STATES, type SessionState } from "@burstflare/sdk/states";
import { z } from "zod";
import { type Db, givenConditions } from "../lib/db";
import { rowOf } from "../lib/rows";

/** Sessions: every statement on the sessions table lives here. */

const nullableText = z.string().nullable();

/** What the runtime boots from; fixed at create time from the template's promoted version. */
export interface SessionConfig {
  manifest: Manifest;
  artifactKey: string | null;
  bundleKey: string | null;
}

/**
 * A session as the Worker holds it: the contract's Session plus what its runtime boots from.
 * Responses send only the contract's part (`contractView(sessionSchema, record)`).
 */
export interface SessionRecord extends Session {
  config: SessionConfig;
}

/** The lifecycle fields only the Session DO writes; mirrored to D1 on every transition. */
export interface LifecycleFields {
  state: SessionState;
  stateVersion: number;
  runtimeStatus: string | null;
  runtimeState: string | null;
  lastBootstrapAt: number | null;
  lastLifecyclePhase: LifecyclePhase | null;
  failureReason: string | null;
  lastActiveAt: number | null;
}

const SELECT = `SELECT s.id, s.workspace_id, s.owner_id, s.name, s.template_id, s.version_id, s.state, s.state_version,
  s.runtime_status, s.runtime_state, s.last_bootstrap_at, s.last_lifecycle_phase, s.failure_reason, s.start_on_intent,
  s.created_at, s.updated_at, s.last_active_at, s.manifest, s.artifact_key, s.bundle_key,
  CASE WHEN t.active_version_id IS NOT NULL AND s.version_id IS NOT NULL AND t.active_version_id != s.version_id
    AND t.deleted_at IS NULL THEN 1 ELSE 0 END AS newer_version
  FROM sessions s LEFT JOIN templates t ON t.id = s.template_id`;

/**
 * Parsed manifests by their stored text. Sessions of one template version share the same text,
 * and a listed page would otherwise run the manifest schema once per row. Bounded; cleared when full.
 */
const parsedManifests = new Map<string, Manifest>();
const PARSED_MANIFESTS_MAX = 256;
const PARSED_MANIFEST_MAX_CHARS = 32 * 1024;

function parseManifest(text: string | null): Manifest {
  const key = text ?? "";
  const known = parsedManifests.get(key);
  if (known) return known;
  const parsed = storedManifestSchema.safeParse(text ? JSON.parse(text) : {});
  const manifest: Manifest = parsed.success ? parsed.data : { persistedPaths: ["."] };
  if (key.length > PARSED_MANIFEST_MAX_CHARS) return manifest;
  if (parsedManifests.size >= PARSED_MANIFESTS_MAX) parsedManifests.clear();
  parsedManifests.set(key, manifest);
  return manifest;
}

/** A sessions row (times in epoch ms) plus whether its template has a newer promoted version, as a SessionRecord. */
const sessionRecord = rowOf(
  sessionSchema.omit({ previewPort: true }).extend({ manifest: nullableText, artifactKey: nullableText, bundleKey: nullableText }),
  {
    times: ["lastBootstrapAt", "createdAt", "updatedAt", "lastActiveAt"],
    flags: ["startOnIntent", "newerVersionAvailable"],
    columns: { newerVersionAvailable: "newer_version" },
  },
).transform(({ manifest: text, artifactKey, bundleKey, ...session }): SessionRecord => {
  // Shared between records of one manifest text: treat as read-only.
  const manifest = parseManifest(text);
  return { ...session, previewPort: manifest.previewPort ?? null, config: { manifest, artifactKey, bundleKey } };
});

export interface NewSession {
  id: string;
  workspaceId: string;
  ownerId: string;
  name: string;
  templateId: string | null;
  versionId: string | null;
  /**
   * A create from the template requires it live, as a template delete requires no live session
   * (markTemplateDeleted). A session like another (fork, from a snapshot) keeps its source's
   * version even once that template was deleted; its purge waits for the session then.
   */
  requireLiveTemplate: boolean;
  startOnIntent: boolean;
  config: SessionConfig;
  at: number;
}

/** Live sessions of a workspace (quotas' totalSessions), and those holding a runtime (runningSessions). */
const LIVE = "workspace_id = ? AND deleted_at IS NULL AND state != 'deleted'";
const HOLDING_RUNTIME = "workspace_id = ? AND deleted_at IS NULL AND state IN ('starting', 'running')";

/** What quotas' totalSessions counts; the insert below refuses by the same predicate. */
export function countLiveSessions(db: Db, workspaceId: string): Promise<number> {
  return db.count(`SELECT COUNT(*) AS n FROM sessions WHERE ${LIVE}`, workspaceId);
}

/** What quotas' runningSessions counts; claimRunningSlot refuses by the same predicate. */
export function countSessionsHoldingRuntime(db: Db, workspaceId: string): Promise<number> {
  return db.count(`SELECT COUNT(*) AS n FROM sessions WHERE ${HOLDING_RUNTIME}`, workspaceId);
}

/**
 * Inserts the row in state `created` unless its name is taken, the workspace already has `maxLive`
 * live sessions, its template version is gone, or (requireLiveTemplate) its template is deleted:
 * one statement, so parallel creates cannot all pass a count made before, and a version delete
 * (deleteVersionRows, refused while a session references the version) or a template delete
 * (markTemplateDeleted, refused while a live session uses it) cannot land between a check and the insert.
 */
export async function insertSessionRow(db: Db, s: NewSession, maxLive: number): Promise<boolean> {
  const liveTemplate = s.requireLiveTemplate ? s.templateId : null;
  return db.runOne(
    `INSERT INTO sessions (id, workspace_id, owner_id, name, template_id, version_id, state, state_version, runtime_status,
       start_on_intent, created_at, updated_at, manifest, artifact_key, bundle_key)
     SELECT ?, ?, ?, ?, ?, ?, 'created', 0, 'none', ?, ?, ?, ?, ?, ?
     WHERE NOT EXISTS (SELECT 1 FROM sessions WHERE workspace_id = ? AND name = ? AND deleted_at IS NULL)
       AND (SELECT COUNT(*) FROM sessions WHERE ${LIVE}) < ?
       AND (? IS NULL OR EXISTS (SELECT 1 FROM template_versions WHERE id = ?))
       AND (? IS NULL OR EXISTS (SELECT 1 FROM templates WHERE id = ? AND deleted_at IS NULL))`,
    s.id,
    s.workspaceId,
    s.ownerId,
    s.name,
    s.templateId,
    s.versionId,
    s.startOnIntent ? 1 : 0,
    s.at,
    s.at,
    JSON.stringify(s.config.manifest),
    s.config.artifactKey,
    s.config.bundleKey,
    s.workspaceId,
    s.name,
    s.workspaceId,
    maxLive,
    s.versionId,
    s.versionId,
    liveTemplate,
    liveTemplate,
  );
}

/** Whether a live session of the workspace has this name. */
export async function sessionNameTaken(db: Db, workspaceId: string, name: string): Promise<boolean> {
  return (
    (await db.count("SELECT COUNT(*) AS n FROM sessions WHERE workspace_id = ? AND name = ? AND deleted_at IS NULL", workspaceId, name)) > 0
  );
}

/**
 * Marks the session `starting` in D1 while fewer than `max` other sessions of its workspace hold
 * a runtime, in one statement, so parallel starts of different sessions (each in its own Durable
 * Object) cannot all pass. The version stays: the DO's own transition to starting, or the release
 * below, writes over it. The time is the claim's, so reconcile can tell a claim no start followed.
 */
export async function claimRunningSlot(db: Db, sessionId: string, workspaceId: string, max: number, at: number): Promise<boolean> {
  return db.runOne(
    `UPDATE sessions SET state = 'starting', updated_at = ?
     WHERE id = ? AND (SELECT COUNT(*) FROM sessions WHERE ${HOLDING_RUNTIME} AND id != ?) < ?`,
    at,
    sessionId,
    workspaceId,
    sessionId,
    max,
  );
}

/** Gives a claim back when the start ended before the DO mirrored any transition (same version); true if it did. */
export async function releaseRunningSlot(db: Db, sessionId: string, state: string, stateVersion: number): Promise<boolean> {
  return db.runOne(
    "UPDATE sessions SET state = ? WHERE id = ? AND state_version = ? AND state = 'starting'",
    state,
    sessionId,
    stateVersion,
  );
}

/** Any row by id, deleted or not. */
export function findSession(db: Db, id: string): Promise<SessionRecord | null> {
  return db.one(sessionRecord, `${SELECT} WHERE s.id = ?`, id);
}

/** A session of the workspace that is not deleted. */
export function findLiveSession(db: Db, workspaceId: string, id: string): Promise<SessionRecord | null> {
  return db.one(sessionRecord, `${SELECT} WHERE s.id = ? AND s.workspace_id = ? AND s.deleted_at IS NULL`, id, workspaceId);
}

/** Server-side filters of GET /api/sessions; all given ones must match. */
export interface SessionFilters {
  states?: SessionState[];
  templateId?: string;
  ownerId?: string;
  name?: string;
  /** A part of the name, already limited to [a-z0-9-] (no LIKE wildcards). */
  q?: string;
}

function filterClause(f: SessionFilters): { sql: string; binds: unknown[] } {
  const { parts, binds } = givenConditions([
    [`s.state IN (${(f.states ?? []).map(() => "?").join(", ")})`, f.states],
    ["s.template_id = ?", f.templateId],
    ["s.owner_id = ?", f.ownerId],
    ["s.name = ?", f.name],
    ["instr(s.name, ?) > 0", f.q],
  ]);
  return { sql: parts.map((p) => `AND ${p}`).join(" "), binds };
}

/**
 * Up to `limit` live sessions of the workspace, newest first by (created_at, id), filtered, and
 * strictly after the `after` key when given (keyset pagination).
 */
export function listSessionRecords(
  db: Db,
  workspaceId: string,
  opts: { limit: number; after: { createdAt: number; id: string } | null; filters: SessionFilters },
): Promise<SessionRecord[]> {
  const { after } = opts;
  const where = after ? "AND (s.created_at < ? OR (s.created_at = ? AND s.id < ?))" : "";
  const filter = filterClause(opts.filters);
  const binds: unknown[] = [workspaceId, ...filter.binds, ...(after ? [after.createdAt, after.createdAt, after.id] : []), opts.limit];
  return db.all(
    sessionRecord,
    `${SELECT} WHERE s.workspace_id = ? AND s.deleted_at IS NULL ${filter.sql} ${where} ORDER BY s.created_at DESC, s.id DESC LIMIT ?`,
    ...binds,
  );
}

/**
 * Mirrors the DO's lifecycle fields. `state_version < ?` makes a stale writer (an older
 * transition arriving late) a no-op instead of overwriting a newer state.
 */
export async function writeLifecycle(db: Db, sessionId: string, f: LifecycleFields, at: number): Promise<boolean> {
  return db.runOne(
    `UPDATE sessions SET state = ?, state_version = ?, runtime_status = ?, runtime_state = ?, last_bootstrap_at = ?,
       last_lifecycle_phase = ?, failure_reason = ?, last_active_at = ?, updated_at = ?,
       deleted_at = CASE WHEN ? = 'deleted' THEN COALESCE(deleted_at, ?) ELSE deleted_at END
     WHERE id = ? AND state_version < ?`,
    f.state,
    f.stateVersion,
    f.runtimeStatus,
    f.runtimeState,
    f.lastBootstrapAt,
    f.lastLifecyclePhase,
    f.failureReason,
    f.lastActiveAt,
    at,
    f.state,
    at,
    sessionId,
    f.stateVersion,
  );
}

export async function setStartOnIntent(db: Db, sessionId: string, startOnIntent: boolean): Promise<void> {
  await db.run("UPDATE sessions SET start_on_intent = ? WHERE id = ?", startOnIntent ? 1 : 0, sessionId);
}

/** Running, undeleted sessions of every workspace the user is a member of. */
export async function runningSessionIdsOfUser(db: Db, userId: string): Promise<string[]> {
  return db.values(
    "id",
    z.string(),
    `SELECT id FROM sessions WHERE state = 'running' AND deleted_at IS NULL
     AND workspace_id IN (SELECT workspace_id FROM memberships WHERE user_id = ?)`,
    userId,
  );
}

/** Running, undeleted sessions of the workspace. */
export async function runningSessionIdsOfWorkspace(db: Db, workspaceId: string): Promise<string[]> {
  return db.values(
    "id",
    z.string(),
    "SELECT id FROM sessions WHERE state = 'running' AND deleted_at IS NULL AND workspace_id = ?",
    workspaceId,
  );
}

/** A session as reconcile plans from it. */
const sessionBrief = rowOf(z.object({ id: z.string(), workspaceId: z.string(), state: z.enum(SESSION_STATES), updatedAt: z.number() }));
type SessionBrief = z.infer<typeof sessionBrief>;

const briefs = (db: Db, sql: string, ...binds: unknown[]): Promise<SessionBrief[]> => db.all(sessionBrief, sql, ...binds);

/** Running sessions, least recently active first. */
export function listRunningSessions(db: Db, limit: number): Promise<SessionBrief[]> {
  return briefs(
    db,
    `SELECT id, workspace_id, state, updated_at FROM sessions WHERE state = 'running' AND deleted_at IS NULL
     ORDER BY COALESCE(last_active_at, updated_at) LIMIT ?`,
    limit,
  );
}

/** Sessions in `state` (asleep, or starting: a long boot or a claim no start followed) since before `before`, oldest first. */
export function listInStateSince(db: Db, state: "sleeping" | "starting", before: number, limit: number): Promise<SessionBrief[]> {
  return briefs(
    db,
    `SELECT id, workspace_id, state, updated_at FROM sessions WHERE state = ? AND deleted_at IS NULL AND updated_at < ?
     ORDER BY updated_at LIMIT ?`,
    state,
    before,
    limit,
  );
}

/** Sessions marked deleted whose runtime has not reached `deleted` yet, oldest deletion first. */
export function listDeletedNotStopped(db: Db, limit: number): Promise<SessionBrief[]> {
  return briefs(
    db,
    `SELECT id, workspace_id, state, updated_at FROM sessions WHERE deleted_at IS NOT NULL AND state != 'deleted'
     ORDER BY deleted_at LIMIT ?`,
    limit,
  );
}
