import { ApiError } from "../../../sdk/errors";
import { type Manifest, storedManifestSchema } from "../../../sdk/schemas/manifest";
import type { AppBindings } from "../env";
import { STARTER_MANIFEST } from "./starter";

export interface ResolvedTemplate {
  /** null only for the code-defined starter fallback (no template row). */
  templateId: string | null;
  versionId: string | null;
  manifest: Manifest;
  /** R2 key of the latest succeeded build artifact of the promoted version, if any. */
  artifactKey: string | null;
  /** R2 key of the version's uploaded bundle (unpacked when there is no artifact). */
  bundleKey: string | null;
}

interface TemplateRow {
  id: string;
  workspace_id: string | null;
  builtin: number;
  active_version_id: string | null;
  archived_at: number | null;
  deleted_at: number | null;
}

/**
 * What a new session of `templateId` starts from: the promoted version's manifest and
 * its latest succeeded artifact. Omitted templateId means the built-in starter.
 * Another workspace's template answers 404; archived or never-promoted ones 409.
 */
export async function resolveTemplateForSession(env: AppBindings, workspaceId: string, templateId?: string): Promise<ResolvedTemplate> {
  if (!templateId) return resolveStarter(env);
  const tpl = await env.DB.prepare(
    "SELECT id, workspace_id, builtin, active_version_id, archived_at, deleted_at FROM templates WHERE id = ?",
  )
    .bind(templateId)
    .first<TemplateRow>();
  if (!tpl || tpl.deleted_at != null || (tpl.builtin !== 1 && tpl.workspace_id !== workspaceId)) {
    throw new ApiError("not_found", "template not found");
  }
  if (tpl.archived_at != null) throw new ApiError("invalid_state", "template is archived; restore it to start sessions");
  if (!tpl.active_version_id) throw new ApiError("invalid_state", "template has no promoted version yet");
  return resolveVersion(env, tpl.id, tpl.active_version_id);
}

async function resolveStarter(env: AppBindings): Promise<ResolvedTemplate> {
  const row = await env.DB.prepare(
    "SELECT id, active_version_id FROM templates WHERE builtin = 1 AND deleted_at IS NULL AND archived_at IS NULL AND active_version_id IS NOT NULL ORDER BY created_at LIMIT 1",
  ).first<{ id: string; active_version_id: string }>();
  if (row) return resolveVersion(env, row.id, row.active_version_id);
  // The migration seeds the row; this keeps sessions working on a database without it.
  return { templateId: null, versionId: null, manifest: STARTER_MANIFEST, artifactKey: null, bundleKey: null };
}

async function resolveVersion(env: AppBindings, templateId: string, versionId: string): Promise<ResolvedTemplate> {
  const version = await env.DB.prepare("SELECT id, manifest, bundle_key FROM template_versions WHERE id = ? AND template_id = ?")
    .bind(versionId, templateId)
    .first<{ id: string; manifest: string; bundle_key: string | null }>();
  if (!version) throw new ApiError("invalid_state", "template's promoted version is missing");
  const build = await env.DB.prepare(
    "SELECT artifact_key FROM template_builds WHERE version_id = ? AND status = 'succeeded' AND artifact_key IS NOT NULL ORDER BY finished_at DESC LIMIT 1",
  )
    .bind(versionId)
    .first<{ artifact_key: string }>();
  return {
    templateId,
    versionId,
    manifest: storedManifestSchema.parse(JSON.parse(version.manifest)),
    artifactKey: build?.artifact_key ?? null,
    bundleKey: version.bundle_key,
  };
}

/** True when the template's promoted version differs from the one a session started from. */
export async function isNewerVersionAvailable(env: AppBindings, templateId: string | null, versionId: string | null): Promise<boolean> {
  if (!templateId || !versionId) return false;
  const row = await env.DB.prepare("SELECT active_version_id FROM templates WHERE id = ? AND deleted_at IS NULL")
    .bind(templateId)
    .first<{ active_version_id: string | null }>();
  return !!row?.active_version_id && row.active_version_id !== versionId;
}
