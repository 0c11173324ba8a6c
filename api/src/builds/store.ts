import { ApiError } from "../../../sdk/errors";
import type { Build, BuildQueueMessage } from "../../../sdk/schemas/builds";
import type { BuildState } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { log } from "../lib/log";
import { iso, now } from "../lib/time";
import { buildLogKey } from "../templates/keys";

export interface BuildRow {
  id: string;
  workspace_id: string;
  template_id: string;
  version_id: string;
  status: BuildState;
  attempts: number;
  error: string | null;
  log_key: string | null;
  artifact_key: string | null;
  artifact_sha256: string | null;
  artifact_bytes: number | null;
  workflow_instance_id: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  template_name: string;
  /** Set when the build's template was deleted (recoverably): the build is hidden with it. */
  template_deleted_at: number | null;
  version: string;
}

export const BUILD_SELECT = `SELECT b.*, t.name AS template_name, t.deleted_at AS template_deleted_at, v.version AS version FROM template_builds b
  JOIN templates t ON t.id = b.template_id JOIN template_versions v ON v.id = b.version_id`;

export function toBuild(row: BuildRow): Build {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    templateId: row.template_id,
    templateName: row.template_name,
    versionId: row.version_id,
    version: row.version,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
    artifactSha256: row.artifact_sha256,
    artifactBytes: row.artifact_bytes,
    hasArtifact: row.artifact_key != null,
    createdAt: iso(row.created_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    updatedAt: iso(row.updated_at) as string,
  };
}

export async function getBuild(env: AppBindings, buildId: string): Promise<BuildRow | null> {
  return env.DB.prepare(`${BUILD_SELECT} WHERE b.id = ?`).bind(buildId).first<BuildRow>();
}

/** A build of the caller's workspace, else 404. */
export async function loadBuild(env: AppBindings, workspaceId: string, buildId: string): Promise<BuildRow> {
  const row = await getBuild(env, buildId);
  if (!row || row.workspace_id !== workspaceId || row.template_deleted_at != null) throw new ApiError("not_found", "build not found");
  return row;
}

export async function listBuilds(
  env: AppBindings,
  workspaceId: string,
  filter: { status?: BuildState; templateId?: string; limit: number },
): Promise<BuildRow[]> {
  // A deleted template's builds are hidden with it (restorable until reconcile purges them).
  const where = ["b.workspace_id = ?", "t.deleted_at IS NULL"];
  const args: unknown[] = [workspaceId];
  if (filter.status) {
    where.push("b.status = ?");
    args.push(filter.status);
  }
  if (filter.templateId) {
    where.push("b.template_id = ?");
    args.push(filter.templateId);
  }
  const rows = await env.DB.prepare(`${BUILD_SELECT} WHERE ${where.join(" AND ")} ORDER BY b.created_at DESC, b.rowid DESC LIMIT ?`)
    .bind(...args, filter.limit)
    .all<BuildRow>();
  return rows.results;
}

/** The statement that creates a queued build; batched with the upload's version update. */
export function insertBuildStatement(
  env: AppBindings,
  b: { id: string; workspaceId: string; templateId: string; versionId: string },
): D1PreparedStatement {
  const t = now();
  return env.DB.prepare(
    `INSERT INTO template_builds (id, workspace_id, template_id, version_id, status, attempts, log_key, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?)`,
  ).bind(b.id, b.workspaceId, b.templateId, b.versionId, buildLogKey(b.workspaceId, b.id), t, t);
}

export const newBuildId = (): string => newId("bld");

/** Sends the build message; a send failure marks the build failed so it is visible and retryable. */
export async function enqueueBuild(env: AppBindings, buildId: string, reason: BuildQueueMessage["reason"]): Promise<void> {
  const message: BuildQueueMessage = { buildId, reason };
  try {
    await env.BUILD_QUEUE.send(message);
  } catch (err) {
    log("error", "build enqueue failed", { buildId, error: String(err) });
    await setStatus(env, buildId, "failed", { error: `could not enqueue the build: ${String(err)}` });
    throw new ApiError("internal", "could not enqueue the build; retry it");
  }
}

/**
 * Moves a finished or dead-lettered build back to queued and enqueues it. The conditional
 * UPDATE makes two concurrent retries enqueue once.
 */
export async function requeueBuild(
  env: AppBindings,
  buildId: string,
  from: readonly BuildState[],
  reason: BuildQueueMessage["reason"],
): Promise<boolean> {
  const t = now();
  const res = await env.DB.prepare(
    `UPDATE template_builds SET status = 'queued', error = NULL, finished_at = NULL, updated_at = ?
     WHERE id = ? AND status IN (${from.map(() => "?").join(",")})`,
  )
    .bind(t, buildId, ...from)
    .run();
  if (res.meta.changes !== 1) return false;
  await enqueueBuild(env, buildId, reason);
  return true;
}

export async function setStatus(
  env: AppBindings,
  buildId: string,
  status: BuildState,
  fields: { error?: string | null; finished?: boolean } = {},
): Promise<void> {
  const t = now();
  await env.DB.prepare(
    `UPDATE template_builds SET status = ?, error = COALESCE(?, error), updated_at = ?,
       finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?`,
  )
    .bind(status, fields.error ?? null, t, fields.finished ? 1 : 0, t, buildId)
    .run();
}
