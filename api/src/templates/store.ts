import { ApiError } from "../../../sdk/errors";
import type { TemplateDetail } from "../../../sdk/schemas/templates";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { rollbackTarget } from "./releases";
import {
  findLiveTemplate,
  findVersion,
  listReleases,
  listTemplateRows,
  listVersionRows,
  type TemplateRow,
  templateBuildSummary,
  templateStorageBytes,
  toTemplate,
  toVersion,
  type VersionRow,
} from "./templates-repo";

/**
 * A template the caller's workspace may see: its own or a built-in one. Anything else is
 * 404 so existence does not leak. `write` refuses built-ins, which nobody may change.
 */
export async function loadTemplate(env: AppBindings, workspaceId: string, id: string, opts: { write?: boolean } = {}) {
  const row = await findLiveTemplate(dbOf(env), id);
  if (!row || (row.builtin !== 1 && row.workspace_id !== workspaceId)) throw new ApiError("not_found", "template not found");
  if (opts.write && row.builtin === 1) throw new ApiError("forbidden", "built-in templates are read-only");
  return row;
}

export function listTemplates(env: AppBindings, workspaceId: string): Promise<TemplateRow[]> {
  return listTemplateRows(dbOf(env), workspaceId);
}

export async function loadVersion(env: AppBindings, templateId: string, versionId: string): Promise<VersionRow> {
  const row = await findVersion(dbOf(env), templateId, versionId);
  if (!row) throw new ApiError("not_found", "template version not found");
  return row;
}

export async function templateDetail(env: AppBindings, row: TemplateRow): Promise<TemplateDetail> {
  const db = dbOf(env);
  const [versions, releases, summary, bytes, target] = await Promise.all([
    listVersionRows(db, row.id),
    listReleases(db, row.id),
    templateBuildSummary(db, row.id),
    templateStorageBytes(db, row.id),
    rollbackTarget(env, row.id),
  ]);
  return {
    template: toTemplate(row),
    versions: versions.map((v) => toVersion(v, row.active_version_id)),
    releases,
    buildSummary: summary,
    storageBytes: bytes,
    rollbackTarget: target,
  };
}
