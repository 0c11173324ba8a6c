import { ApiError } from "../../../sdk/errors";
import type { TemplateDetail } from "../../../sdk/schemas/templates";
import { BUILD_STATES, type BuildState } from "../../../sdk/states";
import type { AppBindings } from "../env";
import { rollbackTarget } from "./releases";
import {
  type ReleaseRow,
  TEMPLATE_SELECT,
  type TemplateRow,
  toRelease,
  toTemplate,
  toVersion,
  VERSION_SELECT,
  type VersionRow,
} from "./rows";

/**
 * A template the caller's workspace may see: its own or a built-in one. Anything else is
 * 404 so existence does not leak. `write` refuses built-ins, which nobody may change.
 */
export async function loadTemplate(env: AppBindings, workspaceId: string, id: string, opts: { write?: boolean } = {}) {
  const row = await env.DB.prepare(`${TEMPLATE_SELECT} WHERE t.id = ? AND t.deleted_at IS NULL`).bind(id).first<TemplateRow>();
  if (!row || (row.builtin !== 1 && row.workspace_id !== workspaceId)) throw new ApiError("not_found", "template not found");
  if (opts.write && row.builtin === 1) throw new ApiError("forbidden", "built-in templates are read-only");
  return row;
}

export async function listTemplates(env: AppBindings, workspaceId: string): Promise<TemplateRow[]> {
  const rows = await env.DB.prepare(
    `${TEMPLATE_SELECT} WHERE t.deleted_at IS NULL AND (t.workspace_id = ? OR t.builtin = 1)
     ORDER BY t.builtin DESC, t.archived_at IS NOT NULL, t.name`,
  )
    .bind(workspaceId)
    .all<TemplateRow>();
  return rows.results;
}

export async function loadVersion(env: AppBindings, templateId: string, versionId: string): Promise<VersionRow> {
  const row = await env.DB.prepare(`${VERSION_SELECT} WHERE v.id = ? AND v.template_id = ?`)
    .bind(versionId, templateId)
    .first<VersionRow>();
  if (!row) throw new ApiError("not_found", "template version not found");
  return row;
}

export async function listVersions(env: AppBindings, templateId: string): Promise<VersionRow[]> {
  const rows = await env.DB.prepare(`${VERSION_SELECT} WHERE v.template_id = ? ORDER BY v.created_at DESC, v.rowid DESC`)
    .bind(templateId)
    .all<VersionRow>();
  return rows.results;
}

export async function listReleases(env: AppBindings, templateId: string): Promise<ReleaseRow[]> {
  const rows = await env.DB.prepare(
    `SELECT r.*, v.version FROM template_releases r JOIN template_versions v ON v.id = r.version_id
     WHERE r.template_id = ? ORDER BY r.created_at DESC, r.rowid DESC`,
  )
    .bind(templateId)
    .all<ReleaseRow>();
  return rows.results;
}

/** Bundles plus build artifacts held in R2 for the template. */
export async function storageBytes(env: AppBindings, templateId: string): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT (SELECT COALESCE(SUM(bundle_bytes), 0) FROM template_versions WHERE template_id = ?1)
          + (SELECT COALESCE(SUM(artifact_bytes), 0) FROM template_builds WHERE template_id = ?1) AS n`,
  )
    .bind(templateId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

export async function buildSummary(env: AppBindings, templateId: string): Promise<Record<BuildState, number>> {
  const rows = await env.DB.prepare("SELECT status, COUNT(*) AS n FROM template_builds WHERE template_id = ? GROUP BY status")
    .bind(templateId)
    .all<{ status: BuildState; n: number }>();
  const summary = Object.fromEntries(BUILD_STATES.map((s) => [s, 0])) as Record<BuildState, number>;
  for (const r of rows.results) summary[r.status] = r.n;
  return summary;
}

export async function templateDetail(env: AppBindings, row: TemplateRow): Promise<TemplateDetail> {
  const [versions, releases, summary, bytes, target] = await Promise.all([
    listVersions(env, row.id),
    listReleases(env, row.id),
    buildSummary(env, row.id),
    storageBytes(env, row.id),
    rollbackTarget(env, row.id),
  ]);
  return {
    template: toTemplate(row),
    versions: versions.map((v) => toVersion(v, row.active_version_id)),
    releases: releases.map(toRelease),
    buildSummary: summary,
    storageBytes: bytes,
    rollbackTarget: target,
  };
}
