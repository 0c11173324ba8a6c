import { type Build, buildSchema } from "@burstflare/sdk/schemas/builds";
import type { BuildState } from "@burstflare/sdk/states";
import { z } from "zod";
import { type Db, givenConditions } from "../lib/db";
import { rowOf } from "../lib/rows";
import { buildLogKey } from "../templates/keys";

/** Template builds: every statement on template_builds lives here. */

const nullableText = z.string().nullable();
const nullableInt = z.number().nullable();

/**
 * A build as the Worker holds it: the contract's Build plus where its log and artifact live and
 * which workflow instance runs it. Responses send only the contract's part (`contractView(buildSchema, record)`).
 */
export interface BuildRecord extends Build {
  workspaceId: string;
  logKey: string | null;
  artifactKey: string | null;
  workflowInstanceId: string | null;
  /** Set when the build's template was deleted (recoverably): the build is hidden with it. */
  templateDeleted: boolean;
}

/** A template_builds row with its template's name and deletion and its version's label, as a BuildRecord. */
const buildRecord = rowOf(
  buildSchema.omit({ hasArtifact: true }).extend({
    workspaceId: z.string(),
    logKey: nullableText,
    artifactKey: nullableText,
    workflowInstanceId: nullableText,
    templateDeletedAt: nullableInt,
  }),
  { times: ["createdAt", "startedAt", "finishedAt", "updatedAt"] },
).transform(
  ({ templateDeletedAt, ...build }): BuildRecord => ({
    ...build,
    hasArtifact: build.artifactKey != null,
    templateDeleted: templateDeletedAt != null,
  }),
);

const BUILD_SELECT = `SELECT b.id, b.workspace_id, b.template_id, b.version_id, b.status, b.attempts, b.error, b.log_key, b.artifact_key,
    b.artifact_sha256, b.artifact_bytes, b.workflow_instance_id, b.created_at, b.started_at, b.finished_at, b.updated_at,
    t.name AS template_name, t.deleted_at AS template_deleted_at, v.version AS version
  FROM template_builds b JOIN templates t ON t.id = b.template_id JOIN template_versions v ON v.id = b.version_id`;

export function findBuild(db: Db, buildId: string): Promise<BuildRecord | null> {
  return db.one(buildRecord, `${BUILD_SELECT} WHERE b.id = ?`, buildId);
}

/** The workspace's builds whose template is not deleted, newest first. */
export function listBuildRecords(
  db: Db,
  workspaceId: string,
  filter: { status?: BuildState; templateId?: string; limit: number },
): Promise<BuildRecord[]> {
  const { parts, binds } = givenConditions([
    ["b.status = ?", filter.status],
    ["b.template_id = ?", filter.templateId],
  ]);
  const where = ["b.workspace_id = ?", "t.deleted_at IS NULL", ...parts];
  return db.all(
    buildRecord,
    `${BUILD_SELECT} WHERE ${where.join(" AND ")} ORDER BY b.created_at DESC, b.rowid DESC LIMIT ?`,
    workspaceId,
    ...binds,
    filter.limit,
  );
}

/** Dead-lettered builds of templates that are not deleted, oldest first, at most 500. */
export async function listDeadLetteredBuildIds(db: Db): Promise<string[]> {
  return db.values(
    "id",
    z.string(),
    `SELECT b.id FROM template_builds b JOIN templates t ON t.id = b.template_id
     WHERE b.status = 'dead_lettered' AND t.deleted_at IS NULL ORDER BY b.created_at LIMIT 500`,
  );
}

/** A build in these states holds (or will hold) a build runtime: they count against `activeBuilds`. */
const ACTIVE = "('queued', 'building', 'retrying')";
/** True while the workspace has fewer than ?2 active builds (?1 is the workspace), in the same statement as the write. */
const UNDER_ACTIVE_CAP = `(SELECT COUNT(*) FROM template_builds WHERE workspace_id = ?1 AND status IN ${ACTIVE}) < ?2`;

export function countActiveBuilds(db: Db, workspaceId: string): Promise<number> {
  return db.count(`SELECT COUNT(*) AS n FROM template_builds WHERE workspace_id = ? AND status IN ${ACTIVE}`, workspaceId);
}

/**
 * The statement that creates a queued build; batched with the upload's version update. With
 * `maxActive` it inserts nothing once the workspace has that many active builds: counted and
 * inserted in one statement, so parallel uploads cannot all pass a check made beforehand.
 */
export function insertBuildStatement(
  db: Db,
  b: { id: string; workspaceId: string; templateId: string; versionId: string; at: number },
  maxActive = Number.MAX_SAFE_INTEGER,
): D1PreparedStatement {
  return db.statement(
    `INSERT INTO template_builds (id, workspace_id, template_id, version_id, status, attempts, log_key, created_at, updated_at)
     SELECT ?3, ?1, ?4, ?5, 'queued', 0, ?6, ?7, ?7 WHERE ${UNDER_ACTIVE_CAP}`,
    b.workspaceId,
    maxActive,
    b.id,
    b.templateId,
    b.versionId,
    buildLogKey(b.workspaceId, b.id),
    b.at,
  );
}

export async function deleteBuild(db: Db, buildId: string): Promise<void> {
  await db.run("DELETE FROM template_builds WHERE id = ?", buildId);
}

/**
 * Back to queued from one of `from`; conditional, so two concurrent retries move it once. With
 * `maxActive`, only while its workspace has fewer active builds (counted in the same statement).
 */
export async function markBuildQueued(
  db: Db,
  buildId: string,
  from: readonly BuildState[],
  at: number,
  maxActive = Number.MAX_SAFE_INTEGER,
): Promise<boolean> {
  return db.runOne(
    `UPDATE template_builds SET status = 'queued', error = NULL, finished_at = NULL, updated_at = ?
     WHERE id = ? AND status IN (${from.map(() => "?").join(",")})
       AND (SELECT COUNT(*) FROM template_builds a WHERE a.workspace_id = template_builds.workspace_id AND a.status IN ${ACTIVE}) < ?`,
    at,
    buildId,
    ...from,
    maxActive,
  );
}

/** Sets the status; `error` null keeps the current one; `finished` stamps finished_at. */
export async function setBuildStatus(
  db: Db,
  buildId: string,
  status: BuildState,
  fields: { error?: string | null; finished?: boolean },
  at: number,
): Promise<void> {
  await db.run(
    `UPDATE template_builds SET status = ?, error = COALESCE(?, error), updated_at = ?,
       finished_at = CASE WHEN ? THEN ? ELSE finished_at END WHERE id = ?`,
    status,
    fields.error ?? null,
    at,
    fields.finished ? 1 : 0,
    at,
    buildId,
  );
}

/** Records the attempt about to run as a workflow instance. */
export async function recordBuildAttempt(db: Db, buildId: string, attempt: number, instanceId: string, at: number): Promise<void> {
  await db.run(
    "UPDATE template_builds SET attempts = ?, workflow_instance_id = ?, updated_at = ? WHERE id = ?",
    attempt,
    instanceId,
    at,
    buildId,
  );
}

/** Out of retries; only a build still in flight changes. */
export async function markBuildDeadLettered(db: Db, buildId: string, at: number): Promise<boolean> {
  return db.runOne(
    `UPDATE template_builds SET status = 'dead_lettered', finished_at = ?, updated_at = ?,
       error = COALESCE(error, 'gave up after the last retry') WHERE id = ? AND status IN ('queued', 'building', 'retrying')`,
    at,
    at,
    buildId,
  );
}

/** Marks the build `building` unless it is gone or finished. */
export async function markBuildBuilding(db: Db, buildId: string, at: number): Promise<boolean> {
  return db.runOne(
    `UPDATE template_builds SET status = 'building', started_at = ?, error = NULL, updated_at = ?
     WHERE id = ? AND status IN ('queued', 'retrying', 'building')`,
    at,
    at,
    buildId,
  );
}

/** What a build runs from: its version's manifest text and bundle. */
export async function findBuildSource(db: Db, buildId: string) {
  return db.one(
    rowOf(
      z.object({
        workspaceId: z.string(),
        templateId: z.string(),
        versionId: z.string(),
        version: z.string(),
        manifest: z.string(),
        bundleKey: nullableText,
        bundleSha256: nullableText,
        /** Whose code the bundle is; not necessarily the version's creator (migrations/0015_template_versions.sql). */
        uploadedBy: nullableText,
        createdBy: nullableText,
      }),
    ),
    `SELECT b.workspace_id, b.template_id, b.version_id, v.version, v.manifest, v.bundle_key, v.bundle_sha256, v.uploaded_by,
       v.created_by
     FROM template_builds b JOIN template_versions v ON v.id = b.version_id WHERE b.id = ?`,
    buildId,
  );
}

/** False when the build row is gone (its template was purged meanwhile). */
export async function markBuildSucceeded(
  db: Db,
  buildId: string,
  artifact: { key: string; sha256: string; bytes: number },
  at: number,
): Promise<boolean> {
  return db.runOne(
    `UPDATE template_builds SET status = 'succeeded', artifact_key = ?, artifact_sha256 = ?, artifact_bytes = ?, error = NULL,
       finished_at = ?, updated_at = ? WHERE id = ?`,
    artifact.key,
    artifact.sha256,
    artifact.bytes,
    at,
    at,
    buildId,
  );
}

/** False when the build row is gone (its template was purged meanwhile). */
export async function markBuildFailed(db: Db, buildId: string, error: string, at: number): Promise<boolean> {
  return db.runOne(
    "UPDATE template_builds SET status = 'failed', error = ?, finished_at = ?, updated_at = ? WHERE id = ?",
    error,
    at,
    at,
    buildId,
  );
}

/** Fails a build still `building` since `startedAt`; a build that finished or restarted meanwhile is left alone. */
export async function failStuckBuild(db: Db, buildId: string, startedAt: number, error: string, at: number): Promise<boolean> {
  return db.runOne(
    `UPDATE template_builds SET status = 'failed', error = ?, finished_at = ?, updated_at = ?
     WHERE id = ? AND status = 'building' AND started_at = ?`,
    error,
    at,
    at,
    buildId,
    startedAt,
  );
}

const stuckBuild = z.object({
  id: z.string(),
  workspaceId: z.string(),
  templateId: z.string(),
  startedAt: z.number(),
  workflowInstanceId: nullableText,
});
export type StuckBuild = z.infer<typeof stuckBuild>;

/** Builds in `building` since before `startedBefore`, oldest first, at most 500. */
export async function listBuildingSince(db: Db, startedBefore: number): Promise<StuckBuild[]> {
  return db.all(
    rowOf(stuckBuild),
    `SELECT id, workspace_id, template_id, started_at, workflow_instance_id FROM template_builds
     WHERE status = 'building' AND started_at IS NOT NULL AND started_at < ? ORDER BY started_at LIMIT 500`,
    startedBefore,
  );
}

/** The SHA-256 recorded for an artifact key (a session's boot verifies the download against it). */
export async function artifactSha256(db: Db, artifactKey: string): Promise<string | null> {
  return db.value("sha", nullableText, "SELECT artifact_sha256 AS sha FROM template_builds WHERE artifact_key = ? LIMIT 1", artifactKey);
}
