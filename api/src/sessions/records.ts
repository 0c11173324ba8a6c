import { ApiError } from "../../../sdk/errors";
import type { Manifest } from "../../../sdk/schemas/manifest";
import { storedManifestSchema } from "../../../sdk/schemas/manifest";
import type { Session } from "../../../sdk/schemas/sessions";
import type { LifecyclePhase, SessionState } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { base64url, fromBase64url } from "../lib/crypto";
import { notFound } from "../lib/errors";
import { iso } from "../lib/time";

/** A sessions row (times in epoch ms) plus whether its template has a newer promoted version. */
export interface SessionRow {
  id: string;
  workspace_id: string;
  owner_id: string;
  name: string;
  template_id: string | null;
  version_id: string | null;
  state: SessionState;
  state_version: number;
  runtime_status: string | null;
  runtime_state: string | null;
  last_bootstrap_at: number | null;
  last_lifecycle_phase: LifecyclePhase | null;
  failure_reason: string | null;
  start_on_intent: number;
  created_at: number;
  updated_at: number;
  last_active_at: number | null;
  manifest: string | null;
  artifact_key: string | null;
  bundle_key: string | null;
  newer_version: number;
}

/** What the runtime boots from; fixed at create time from the template's promoted version. */
export interface SessionConfig {
  manifest: Manifest;
  artifactKey: string | null;
  bundleKey: string | null;
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

export function sessionConfig(row: Pick<SessionRow, "manifest" | "artifact_key" | "bundle_key">): SessionConfig {
  return {
    // Shared between callers: treat as read-only.
    manifest: parseManifest(row.manifest),
    artifactKey: row.artifact_key,
    bundleKey: row.bundle_key,
  };
}

export function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    ownerId: row.owner_id,
    name: row.name,
    templateId: row.template_id,
    versionId: row.version_id,
    state: row.state,
    stateVersion: row.state_version,
    runtimeStatus: row.runtime_status,
    runtimeState: row.runtime_state,
    lastBootstrapAt: iso(row.last_bootstrap_at),
    lastLifecyclePhase: row.last_lifecycle_phase,
    failureReason: row.failure_reason,
    previewPort: sessionConfig(row).manifest.previewPort ?? null,
    startOnIntent: row.start_on_intent === 1,
    newerVersionAvailable: row.newer_version === 1,
    createdAt: iso(row.created_at) ?? "",
    updatedAt: iso(row.updated_at) ?? "",
    lastActiveAt: iso(row.last_active_at),
  };
}

export interface NewSession {
  id: string;
  workspaceId: string;
  ownerId: string;
  name: string;
  templateId: string | null;
  versionId: string | null;
  startOnIntent: boolean;
  config: SessionConfig;
  at: number;
}

/** Inserts the row in state `created`; false when the name is taken in the workspace. */
export async function insertSession(env: AppBindings, s: NewSession): Promise<boolean> {
  const res = await env.DB.prepare(
    `INSERT INTO sessions (id, workspace_id, owner_id, name, template_id, version_id, state, state_version, runtime_status,
       start_on_intent, created_at, updated_at, manifest, artifact_key, bundle_key)
     SELECT ?, ?, ?, ?, ?, ?, 'created', 0, 'none', ?, ?, ?, ?, ?, ?
     WHERE NOT EXISTS (SELECT 1 FROM sessions WHERE workspace_id = ? AND name = ? AND deleted_at IS NULL)`,
  )
    .bind(
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
    )
    .run();
  return res.meta.changes === 1;
}

/** Any row by id, deleted or not: the Session DO's own lookup. */
export function getSessionRowById(env: AppBindings, id: string): Promise<SessionRow | null> {
  return env.DB.prepare(`${SELECT} WHERE s.id = ?`).bind(id).first<SessionRow>();
}

/** A live session of the workspace; another workspace's or a deleted one answers 404. */
export async function requireSessionRow(env: AppBindings, workspaceId: string, id: string): Promise<SessionRow> {
  const row = await env.DB.prepare(`${SELECT} WHERE s.id = ? AND s.workspace_id = ? AND s.deleted_at IS NULL`)
    .bind(id, workspaceId)
    .first<SessionRow>();
  if (!row) throw notFound("session");
  return row;
}

export interface SessionPage {
  rows: SessionRow[];
  nextCursor: string | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The cursor names the last row of a page by its sort key (created_at, id), opaque to clients. */
function encodeCursor(row: Pick<SessionRow, "created_at" | "id">): string {
  return base64url(encoder.encode(`${row.created_at}.${row.id}`));
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  let text = "";
  try {
    text = decoder.decode(fromBase64url(cursor));
  } catch {
    // falls through to the shape check
  }
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/.exec(text);
  if (!match) throw new ApiError("bad_request", "cursor is not a nextCursor of this list");
  return { createdAt: Number(match[1]), id: match[2] as string };
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
  const parts: string[] = [];
  const binds: unknown[] = [];
  if (f.states?.length) {
    parts.push(`s.state IN (${f.states.map(() => "?").join(", ")})`);
    binds.push(...f.states);
  }
  if (f.templateId) {
    parts.push("s.template_id = ?");
    binds.push(f.templateId);
  }
  if (f.ownerId) {
    parts.push("s.owner_id = ?");
    binds.push(f.ownerId);
  }
  if (f.name) {
    parts.push("s.name = ?");
    binds.push(f.name);
  }
  if (f.q) {
    parts.push("instr(s.name, ?) > 0");
    binds.push(f.q);
  }
  return { sql: parts.map((p) => `AND ${p}`).join(" "), binds };
}

/**
 * One page of the workspace's sessions, newest first, filtered in SQL. Keyset pagination on
 * (created_at, id), so a page costs the same wherever it is and rows created meanwhile do not
 * shift later pages; filters do not change the order, so a cursor stays valid under them.
 */
export async function listSessionPage(
  env: AppBindings,
  workspaceId: string,
  { limit, cursor, filters = {} }: { limit: number; cursor?: string; filters?: SessionFilters },
): Promise<SessionPage> {
  const after = cursor ? decodeCursor(cursor) : null;
  const where = after ? "AND (s.created_at < ? OR (s.created_at = ? AND s.id < ?))" : "";
  const filter = filterClause(filters);
  const binds: unknown[] = [workspaceId, ...filter.binds, ...(after ? [after.createdAt, after.createdAt, after.id] : []), limit + 1];
  const { results } = await env.DB.prepare(
    `${SELECT} WHERE s.workspace_id = ? AND s.deleted_at IS NULL ${filter.sql} ${where} ORDER BY s.created_at DESC, s.id DESC LIMIT ?`,
  )
    .bind(...binds)
    .all<SessionRow>();
  const rows = results.slice(0, limit);
  const last = rows[rows.length - 1];
  return { rows, nextCursor: results.length > limit && last ? encodeCursor(last) : null };
}

/**
 * Mirrors the DO's lifecycle fields. `state_version < ?` makes a stale writer (an older
 * transition arriving late) a no-op instead of overwriting a newer state.
 */
export async function mirrorLifecycle(env: AppBindings, sessionId: string, f: LifecycleFields, at: number): Promise<boolean> {
  const res = await env.DB.prepare(
    `UPDATE sessions SET state = ?, state_version = ?, runtime_status = ?, runtime_state = ?, last_bootstrap_at = ?,
       last_lifecycle_phase = ?, failure_reason = ?, last_active_at = ?, updated_at = ?,
       deleted_at = CASE WHEN ? = 'deleted' THEN COALESCE(deleted_at, ?) ELSE deleted_at END
     WHERE id = ? AND state_version < ?`,
  )
    .bind(
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
    )
    .run();
  return res.meta.changes === 1;
}
