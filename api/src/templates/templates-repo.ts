import { storedManifestSchema } from "@burstflare/sdk/schemas/manifest";
import {
  type Template,
  type TemplateRelease,
  type TemplateVersion,
  templateReleaseSchema,
  templateSchema,
  templateVersionSchema,
} from "@burstflare/sdk/schemas/templates";
import { BUILD_STATES, type BuildState } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";
import { iso } from "../lib/time";
import { contractView } from "../lib/view";

/** Templates, their versions and release history: every statement on those tables lives here. */

const nullableText = z.string().nullable();
const nullableInt = z.number().nullable();

/** A templates row plus the active version's label and manifest, as the contract's Template (in its field order). */
const templateRow = rowOf(templateSchema.omit({ archived: true, previewPort: true }).extend({ activeManifest: nullableText }), {
  flags: ["builtin"],
  times: ["createdAt", "updatedAt", "archivedAt"],
}).transform(({ activeManifest, ...template }): Template => {
  const previewPort = activeManifest ? (parseManifest(activeManifest).previewPort ?? null) : null;
  return contractView(templateSchema, { ...template, archived: template.archivedAt != null, previewPort });
});

/** A template_versions row plus its latest build. */
const versionRow = rowOf(
  templateVersionSchema.omit({ active: true, latestBuild: true }).extend({
    buildId: nullableText,
    buildStatus: z.enum(BUILD_STATES).nullable(),
    buildCreatedAt: nullableInt,
    buildFinishedAt: nullableInt,
  }),
  { times: ["createdAt"], decode: { manifest: parseManifest } },
).transform(
  ({ buildId, buildStatus, buildCreatedAt, buildFinishedAt, ...version }): Omit<TemplateVersion, "active"> => ({
    ...version,
    latestBuild:
      buildId && buildStatus
        ? { id: buildId, status: buildStatus, createdAt: iso(buildCreatedAt) ?? "", finishedAt: iso(buildFinishedAt) }
        : null,
  }),
);

/** `active` depends on the template's promoted version, which the caller has at hand. */
const withActive = (v: Omit<TemplateVersion, "active">, activeVersionId: string | null): TemplateVersion => ({
  ...v,
  active: v.id === activeVersionId,
});

const releaseRow = rowOf(templateReleaseSchema, { times: ["createdAt"] });

const TEMPLATE_SELECT = `SELECT t.id, t.workspace_id, t.name, t.description, t.active_version_id, t.builtin, t.created_by, t.created_at,
    t.updated_at, t.archived_at, t.deleted_at, v.version AS active_version, v.manifest AS active_manifest
  FROM templates t LEFT JOIN template_versions v ON v.id = t.active_version_id`;

const VERSION_SELECT = `SELECT v.id, v.template_id, v.workspace_id, v.version, v.manifest, v.status, v.bundle_key, v.bundle_sha256,
    v.bundle_bytes, v.created_by, v.created_at, b.id AS build_id, b.status AS build_status, b.created_at AS build_created_at,
    b.finished_at AS build_finished_at
  FROM template_versions v
  LEFT JOIN template_builds b ON b.id = (
    SELECT id FROM template_builds WHERE version_id = v.id ORDER BY created_at DESC, rowid DESC LIMIT 1)`;

export function parseManifest(text: string) {
  return storedManifestSchema.parse(JSON.parse(text));
}

// --- templates ---

/** A template that is not deleted, whoever owns it (the caller checks the workspace). */
export async function findLiveTemplate(db: Db, id: string): Promise<Template | null> {
  return db.one(templateRow, `${TEMPLATE_SELECT} WHERE t.id = ? AND t.deleted_at IS NULL`, id);
}

/** The workspace's templates and the built-ins: built-ins first, archived last, then by name. */
export async function listTemplates(db: Db, workspaceId: string): Promise<Template[]> {
  return db.all(
    templateRow,
    `${TEMPLATE_SELECT} WHERE t.deleted_at IS NULL AND (t.workspace_id = ? OR t.builtin = 1)
     ORDER BY t.builtin DESC, t.archived_at IS NOT NULL, t.name`,
    workspaceId,
  );
}

/** One statement, so two concurrent creates of the same name cannot both insert; false when the name is taken. */
export async function insertTemplate(
  db: Db,
  t: { id: string; workspaceId: string; name: string; description: string | null; createdBy: string; at: number },
): Promise<boolean> {
  return db.runOne(
    `INSERT INTO templates (id, workspace_id, name, description, builtin, created_by, created_at, updated_at)
     SELECT ?1, ?2, ?3, ?4, 0, ?5, ?6, ?6
     WHERE NOT EXISTS (SELECT 1 FROM templates WHERE workspace_id = ?2 AND name = ?3 AND deleted_at IS NULL)`,
    t.id,
    t.workspaceId,
    t.name,
    t.description,
    t.createdBy,
    t.at,
  );
}

export async function setTemplateArchived(db: Db, id: string, archivedAt: number | null, at: number): Promise<void> {
  await db.run("UPDATE templates SET archived_at = ?, updated_at = ? WHERE id = ?", archivedAt, at, id);
}

/** Sessions not deleted that started from template ?1 (a template's delete and purge are refused while any is). */
const IN_USE = "EXISTS (SELECT 1 FROM sessions s WHERE s.template_id = ?1 AND s.deleted_at IS NULL AND s.state != 'deleted')";

/**
 * Hides the template unless a session still uses it: the refusal is this statement's condition and
 * a session's insert requires the template live (insertSessionRow), so of a delete and a create
 * landing together exactly one passes. false when refused or already deleted.
 */
export async function markTemplateDeleted(db: Db, id: string, at: number): Promise<boolean> {
  return db.runOne(`UPDATE templates SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1 AND deleted_at IS NULL AND NOT ${IN_USE}`, id, at);
}

/** Sessions not deleted that started from the template. */
export async function countSessionsUsingTemplate(db: Db, templateId: string): Promise<number> {
  return db.count("SELECT COUNT(*) AS n FROM sessions WHERE template_id = ? AND deleted_at IS NULL AND state != 'deleted'", templateId);
}

/**
 * The statements that remove one deleted template no session uses (its purge: both are the
 * condition of every statement, which cannot change inside the batch, so all go or none), or every
 * template of a workspace (the workspace's purge), with their grants, builds, releases and
 * versions; for a batch. The builds' and the template's deletes return their ids.
 */
export function deleteTemplatesStatements(db: Db, which: { templateId: string } | { workspaceId: string }): D1PreparedStatement[] {
  const [where, key] =
    "templateId" in which
      ? [`id = ?1 AND deleted_at IS NOT NULL AND NOT ${IN_USE}`, which.templateId]
      : ["workspace_id = ?1", which.workspaceId];
  const ofTemplates = `template_id IN (SELECT id FROM templates WHERE ${where})`;
  return [
    db.statement(`DELETE FROM upload_grants WHERE version_id IN (SELECT id FROM template_versions WHERE ${ofTemplates})`, key),
    db.statement(`DELETE FROM template_builds WHERE ${ofTemplates} RETURNING id`, key),
    db.statement(`DELETE FROM template_releases WHERE ${ofTemplates}`, key),
    db.statement(`DELETE FROM template_versions WHERE ${ofTemplates}`, key),
    db.statement(`DELETE FROM templates WHERE ${where} RETURNING id`, key),
  ];
}

/**
 * Removes a deleted template with its grants, builds, releases and versions, together, unless it
 * was restored or a session uses it (checked in the same batch, so neither can land between a
 * check and the delete). null when held back; else its builds, whose R2 prefixes go next.
 */
export async function purgeTemplateRows(db: Db, templateId: string): Promise<string[] | null> {
  const results = await db.batchRows(z.object({ id: z.string() }), deleteTemplatesStatements(db, { templateId }));
  if (results.at(-1)?.length !== 1) return null;
  return (results[1] ?? []).map((b) => b.id);
}

const ACTIVE_BUILD = "status IN ('queued', 'building', 'retrying')";

/** Why a version's delete was held back: gone, promoted, sessions started from it (deleted ones too, they can be restored), builds running. */
export async function versionUse(
  db: Db,
  versionId: string,
): Promise<{ exists: boolean; promoted: boolean; sessions: number; activeBuilds: number }> {
  const row = await db.one(
    z.object({ present: z.number(), promoted: z.number(), sessions: z.number(), activeBuilds: z.number() }),
    `SELECT EXISTS (SELECT 1 FROM template_versions WHERE id = ?1) AS present,
            EXISTS (SELECT 1 FROM templates WHERE active_version_id = ?1) AS promoted,
            (SELECT COUNT(*) FROM sessions WHERE version_id = ?1) AS sessions,
            (SELECT COUNT(*) FROM template_builds WHERE version_id = ?1 AND ${ACTIVE_BUILD}) AS activeBuilds`,
    versionId,
  );
  return { exists: row?.present === 1, promoted: row?.promoted === 1, sessions: row?.sessions ?? 0, activeBuilds: row?.activeBuilds ?? 0 };
}

/** A removed version's bundle (no build id) or one of its builds, with the bytes it held. */
const removedRow = z.object({ build_id: nullableText, bytes: z.number() });

/**
 * Removes a version with its grants and builds (its releases stay as history), unless it is
 * promoted, a session was started from it or a build of it runs. Those checks are the delete's own
 * condition and the batch is one transaction, so a session insert (which requires the version row,
 * insertSessionRow) lands either before it, and the version stays, or after, and is refused.
 * null when held back; else the builds whose R2 prefixes go next and the bytes freed.
 */
export async function deleteVersionRows(db: Db, versionId: string): Promise<{ buildIds: string[]; bytes: number } | null> {
  const gone = "NOT EXISTS (SELECT 1 FROM template_versions WHERE id = ?1)";
  const [version = [], builds = []] = await db.batchRows(removedRow, [
    db.statement(
      `DELETE FROM template_versions WHERE id = ?1
         AND NOT EXISTS (SELECT 1 FROM templates WHERE active_version_id = ?1)
         AND NOT EXISTS (SELECT 1 FROM sessions WHERE version_id = ?1)
         AND NOT EXISTS (SELECT 1 FROM template_builds WHERE version_id = ?1 AND ${ACTIVE_BUILD})
       RETURNING NULL AS build_id, COALESCE(bundle_bytes, 0) AS bytes`,
      versionId,
    ),
    // Only once the version row is gone (above, or before): a held-back delete keeps every row.
    db.statement(
      `DELETE FROM template_builds WHERE version_id = ?1 AND ${gone} RETURNING id AS build_id, COALESCE(artifact_bytes, 0) AS bytes`,
      versionId,
    ),
    db.statement(`DELETE FROM upload_grants WHERE version_id = ?1 AND ${gone}`, versionId),
  ]);
  if (version.length === 0) return null;
  const rows = [...version, ...builds];
  return { buildIds: builds.flatMap((b) => (b.build_id ? [b.build_id] : [])), bytes: rows.reduce((n, r) => n + r.bytes, 0) };
}

/** Bundles plus build artifacts held in R2 for the template. */
export async function templateStorageBytes(db: Db, templateId: string): Promise<number> {
  return db.count(
    `SELECT (SELECT COALESCE(SUM(bundle_bytes), 0) FROM template_versions WHERE template_id = ?1)
          + (SELECT COALESCE(SUM(artifact_bytes), 0) FROM template_builds WHERE template_id = ?1) AS n`,
    templateId,
  );
}

/** Bundles and build artifacts of the workspace's templates that are not deleted (the `templateBytes` quota). */
export async function sumTemplateBytes(db: Db, workspaceId: string): Promise<number> {
  const live = "SELECT id FROM templates WHERE workspace_id = ?1 AND deleted_at IS NULL";
  return db.count(
    `SELECT (SELECT COALESCE(SUM(bundle_bytes), 0) FROM template_versions WHERE template_id IN (${live}))
          + (SELECT COALESCE(SUM(artifact_bytes), 0) FROM template_builds WHERE template_id IN (${live})) AS n`,
    workspaceId,
  );
}

/** How many of the template's builds are in each state (0 for states without any). */
export async function templateBuildSummary(db: Db, templateId: string): Promise<Record<BuildState, number>> {
  const rows = await db.all(
    z.object({ status: z.enum(BUILD_STATES), n: z.number() }),
    "SELECT status, COUNT(*) AS n FROM template_builds WHERE template_id = ? GROUP BY status",
    templateId,
  );
  const summary = Object.fromEntries(BUILD_STATES.map((s) => [s, 0])) as Record<BuildState, number>;
  for (const r of rows) summary[r.status] = r.n;
  return summary;
}

// --- what sessions start from ---

const templateSource = rowOf(
  z.object({
    id: z.string(),
    workspaceId: nullableText,
    builtin: z.boolean(),
    activeVersionId: nullableText,
    archived: z.boolean(),
    deleted: z.boolean(),
  }),
  { flags: ["builtin", "archived", "deleted"] },
);

/** Any template row by id, deleted or not, with what deciding whether a session may start from it needs. */
export async function findTemplateSource(db: Db, id: string) {
  return db.one(
    templateSource,
    `SELECT id, workspace_id, builtin, active_version_id, archived_at IS NOT NULL AS archived, deleted_at IS NOT NULL AS deleted
     FROM templates WHERE id = ?`,
    id,
  );
}

/** A version's stored manifest text and bundle key. */
export async function findVersionSource(
  db: Db,
  templateId: string,
  versionId: string,
): Promise<{ id: string; manifest: string; bundleKey: string | null } | null> {
  return db.one(
    rowOf(z.object({ id: z.string(), manifest: z.string(), bundleKey: nullableText })),
    "SELECT id, manifest, bundle_key FROM template_versions WHERE id = ? AND template_id = ?",
    versionId,
    templateId,
  );
}

/** The R2 key of the version's most recently finished succeeded build artifact. */
export async function latestArtifactKey(db: Db, versionId: string): Promise<string | null> {
  return db.value(
    "artifact_key",
    z.string(),
    "SELECT artifact_key FROM template_builds WHERE version_id = ? AND status = 'succeeded' AND artifact_key IS NOT NULL ORDER BY finished_at DESC LIMIT 1",
    versionId,
  );
}

/** The promoted version of a template; `live` skips deleted templates. undefined when there is no such template. */
export async function activeVersionOf(db: Db, templateId: string, opts: { live: boolean }): Promise<string | null | undefined> {
  const row = await db.one(
    z.object({ active_version_id: nullableText }),
    opts.live
      ? "SELECT active_version_id FROM templates WHERE id = ? AND deleted_at IS NULL"
      : "SELECT active_version_id FROM templates WHERE id = ?",
    templateId,
  );
  return row ? row.active_version_id : undefined;
}

// --- versions ---

/** A version of the template; `activeVersionId` (the template's) marks whether it is the promoted one. */
export async function findVersion(
  db: Db,
  templateId: string,
  versionId: string,
  activeVersionId: string | null,
): Promise<TemplateVersion | null> {
  const row = await db.one(versionRow, `${VERSION_SELECT} WHERE v.id = ? AND v.template_id = ?`, versionId, templateId);
  return row && withActive(row, activeVersionId);
}

/** Newest first; `activeVersionId` (the template's) marks the promoted one. */
export async function listVersions(db: Db, templateId: string, activeVersionId: string | null): Promise<TemplateVersion[]> {
  const rows = await db.all(versionRow, `${VERSION_SELECT} WHERE v.template_id = ? ORDER BY v.created_at DESC, v.rowid DESC`, templateId);
  return rows.map((r) => withActive(r, activeVersionId));
}

/** The template a version belongs to, or null when the version does not exist. */
export async function templateIdOfVersion(db: Db, versionId: string): Promise<string | null> {
  return db.value("template_id", z.string(), "SELECT template_id FROM template_versions WHERE id = ?", versionId);
}

/** A version's stored manifest text; null when the version does not exist. */
export async function versionManifestText(db: Db, versionId: string): Promise<string | null> {
  return db.value("manifest", z.string(), "SELECT manifest FROM template_versions WHERE id = ?", versionId);
}

/** The SHA-256 recorded for a bundle key (a session's boot verifies the download against it). */
export async function bundleSha256(db: Db, bundleKey: string): Promise<string | null> {
  return db.value("sha", nullableText, "SELECT bundle_sha256 AS sha FROM template_versions WHERE bundle_key = ? LIMIT 1", bundleKey);
}

/** Versions a template may hold, whatever their status; deleting one frees its place. */
export const MAX_VERSIONS_PER_TEMPLATE = 200;

/**
 * Stores a version awaiting its bundle unless the template already holds MAX_VERSIONS_PER_TEMPLATE
 * (counted in the INSERT, so parallel creates cannot all pass); false when refused. A label the
 * template already has throws the unique violation.
 */
export async function insertVersion(
  db: Db,
  v: { id: string; templateId: string; workspaceId: string; version: string; manifest: unknown; createdBy: string; at: number },
): Promise<boolean> {
  return db.runOne(
    `INSERT INTO template_versions (id, template_id, workspace_id, version, manifest, status, created_by, created_at)
     SELECT ?1, ?2, ?3, ?4, ?5, 'awaiting_upload', ?6, ?7
     WHERE (SELECT COUNT(*) FROM template_versions WHERE template_id = ?2) < ?8`,
    v.id,
    v.templateId,
    v.workspaceId,
    v.version,
    JSON.stringify(v.manifest),
    v.createdBy,
    v.at,
    MAX_VERSIONS_PER_TEMPLATE,
  );
}

/** How many versions the template holds. */
export function countVersions(db: Db, templateId: string): Promise<number> {
  return db.count("SELECT COUNT(*) AS n FROM template_versions WHERE template_id = ?", templateId);
}

/** Marks a version's bundle received; batched with its build's insert. Changes no row when it was already uploaded. */
export function markVersionUploadedStatement(
  db: Db,
  versionId: string,
  bundle: { key: string; sha256: string; bytes: number },
  /** Whose code the bundle is: its builds run with their git token (migrations/0015_template_versions.sql). */
  uploadedBy: string | null,
  /** Only when this build row exists (the batch's capped insert made it). */
  buildId?: string,
): D1PreparedStatement {
  return db.statement(
    `UPDATE template_versions SET status = 'uploaded', bundle_key = ?, bundle_sha256 = ?, bundle_bytes = ?, uploaded_by = ?
     WHERE id = ? AND status = 'awaiting_upload' AND (? IS NULL OR EXISTS (SELECT 1 FROM template_builds WHERE id = ?))`,
    bundle.key,
    bundle.sha256,
    bundle.bytes,
    uploadedBy,
    versionId,
    buildId ?? null,
    buildId ?? null,
  );
}

/** True when the version belongs to the template and has a succeeded build with an artifact. */
export async function versionHasArtifact(db: Db, templateId: string, versionId: string): Promise<boolean> {
  return db.returnsRow(
    `SELECT v.id FROM template_versions v WHERE v.id = ? AND v.template_id = ? AND EXISTS (
       SELECT 1 FROM template_builds b WHERE b.version_id = v.id AND b.status = 'succeeded' AND b.artifact_key IS NOT NULL)`,
    versionId,
    templateId,
  );
}

// --- releases ---

/** Newest first, with each release's version label. */
export async function listReleases(db: Db, templateId: string): Promise<TemplateRelease[]> {
  return db.all(
    releaseRow,
    `SELECT r.id, r.template_id, r.version_id, r.kind, r.actor_id, r.created_at, COALESCE(v.version, 'deleted') AS version
     FROM template_releases r LEFT JOIN template_versions v ON v.id = r.version_id
     WHERE r.template_id = ? ORDER BY r.created_at DESC, r.rowid DESC`,
    templateId,
  );
}

/** Releases a template keeps (its newest), and the depth of its release stack: how far rollbacks go back. */
export const MAX_RELEASES_PER_TEMPLATE = 200;

/**
 * Oldest first: what the release stack is replayed from for a template without a stored one (its
 * history predates `release_stack`, and nothing pruned it); `version` is null for a deleted version.
 */
export async function releaseHistory(
  db: Db,
  templateId: string,
): Promise<{ kind: "promote" | "rollback"; versionId: string; version: string | null }[]> {
  return db.all(
    rowOf(templateReleaseSchema.pick({ kind: true, versionId: true }).extend({ version: z.string().nullable() })),
    `SELECT r.kind, r.version_id, v.version FROM template_releases r
     LEFT JOIN template_versions v ON v.id = r.version_id
     WHERE r.template_id = ? ORDER BY r.created_at, r.rowid`,
    templateId,
  );
}

/** The stored release stack (version ids, the promoted one last), or null when the template has none yet. */
export async function storedReleaseStack(db: Db, templateId: string): Promise<string[] | null> {
  const text = await db.value("stack", nullableText, "SELECT release_stack AS stack FROM templates WHERE id = ?", templateId);
  return text == null ? null : z.array(z.string()).parse(JSON.parse(text));
}

/** A version's label, or null when it is not (any more) one of the template's versions. */
export async function versionLabel(db: Db, templateId: string, versionId: string): Promise<string | null> {
  return db.value("version", nullableText, "SELECT version FROM template_versions WHERE id = ? AND template_id = ?", versionId, templateId);
}

/**
 * Records the release and points the template at the version, together, only while the version row
 * exists: the INSERT carries that condition and the UPDATE requires the row it inserted, in one
 * batch (one transaction), so a version delete (deleteVersionRows, refused while the version is
 * promoted) lands wholly before, and this writes nothing, or after, and is refused. The template's
 * release stack moves with it: a promote pushes the version, a rollback pops the top, and only
 * while the version is the one below the top (a rollback racing another finds it moved and writes
 * nothing). `replayed` is the stack for a template without a stored one (none: it had no releases). In the same batch the
 * stack keeps its top MAX_RELEASES_PER_TEMPLATE entries and the history its newest as many rows, so
 * a loop of promotes and rollbacks grows neither. false when nothing was written.
 */
export async function insertRelease(
  db: Db,
  r: { id: string; templateId: string; versionId: string; kind: "promote" | "rollback"; actorId: string; at: number; replayed?: string[] },
): Promise<boolean> {
  const present = "EXISTS (SELECT 1 FROM template_versions WHERE id = ?2 AND template_id = ?1)";
  const stack = (replayed: number) => `COALESCE((SELECT release_stack FROM templates WHERE id = ?1), ?${replayed})`;
  const replayed = JSON.stringify(r.replayed ?? []);
  const rollback = r.kind === "rollback";
  const [inserted] = await db.batch([
    db.statement(
      `INSERT INTO template_releases (id, template_id, version_id, kind, actor_id, created_at)
       SELECT ?4, ?1, ?2, ?5, ?6, ?3 WHERE ${present}${rollback ? ` AND json_extract(${stack(7)}, '$[#-2]') = ?2` : ""}`,
      ...[r.templateId, r.versionId, r.at, r.id, r.kind, r.actorId, ...(rollback ? [replayed] : [])],
    ),
    db.statement(
      `UPDATE templates SET active_version_id = ?2, updated_at = ?3,
         release_stack = ${rollback ? "json_remove(COALESCE(release_stack, ?5), '$[#-1]')" : "json_insert(COALESCE(release_stack, ?5), '$[#]', ?2)"}
       WHERE id = ?1 AND EXISTS (SELECT 1 FROM template_releases WHERE id = ?4)`,
      r.templateId,
      r.versionId,
      r.at,
      r.id,
      replayed,
    ),
    db.statement(
      `UPDATE templates SET release_stack = json_remove(release_stack, '$[0]') WHERE id = ?1 AND json_array_length(release_stack) > ?2`,
      r.templateId,
      MAX_RELEASES_PER_TEMPLATE,
    ),
    db.statement(
      `DELETE FROM template_releases WHERE id IN (
         SELECT id FROM template_releases WHERE template_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?2)`,
      r.templateId,
      MAX_RELEASES_PER_TEMPLATE,
    ),
  ]);
  return inserted === 1;
}
