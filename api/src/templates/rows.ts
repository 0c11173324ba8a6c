import { storedManifestSchema } from "../../../sdk/schemas/manifest";
import type { Template, TemplateRelease, TemplateVersion } from "../../../sdk/schemas/templates";
import type { BuildState } from "../../../sdk/states";
import { iso } from "../lib/time";

export interface TemplateRow {
  id: string;
  workspace_id: string | null;
  name: string;
  description: string | null;
  active_version_id: string | null;
  builtin: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  archived_at: number | null;
  deleted_at: number | null;
  /** Joined: the active version's label and manifest. */
  active_version?: string | null;
  active_manifest?: string | null;
}

export interface VersionRow {
  id: string;
  template_id: string;
  workspace_id: string | null;
  version: string;
  manifest: string;
  status: "awaiting_upload" | "uploaded";
  bundle_key: string | null;
  bundle_sha256: string | null;
  bundle_bytes: number | null;
  created_by: string | null;
  created_at: number;
  /** Joined: the latest build of the version. */
  build_id?: string | null;
  build_status?: BuildState | null;
  build_created_at?: number | null;
  build_finished_at?: number | null;
}

export interface ReleaseRow {
  id: string;
  template_id: string;
  version_id: string;
  kind: "promote" | "rollback";
  actor_id: string | null;
  created_at: number;
  version?: string;
}

/** Template columns plus the active version's label and manifest. */
export const TEMPLATE_SELECT = `SELECT t.*, v.version AS active_version, v.manifest AS active_manifest
  FROM templates t LEFT JOIN template_versions v ON v.id = t.active_version_id`;

/** Version columns plus its latest build. */
export const VERSION_SELECT = `SELECT v.*, b.id AS build_id, b.status AS build_status, b.created_at AS build_created_at,
    b.finished_at AS build_finished_at
  FROM template_versions v
  LEFT JOIN template_builds b ON b.id = (
    SELECT id FROM template_builds WHERE version_id = v.id ORDER BY created_at DESC, rowid DESC LIMIT 1)`;

export function parseManifest(text: string) {
  return storedManifestSchema.parse(JSON.parse(text));
}

export function toTemplate(row: TemplateRow): Template {
  const manifest = row.active_manifest ? parseManifest(row.active_manifest) : null;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    builtin: row.builtin === 1,
    archived: row.archived_at != null,
    activeVersionId: row.active_version_id,
    activeVersion: row.active_version ?? null,
    previewPort: manifest?.previewPort ?? null,
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    archivedAt: iso(row.archived_at),
  };
}

export function toVersion(row: VersionRow, activeVersionId: string | null): TemplateVersion {
  return {
    id: row.id,
    templateId: row.template_id,
    version: row.version,
    manifest: parseManifest(row.manifest),
    status: row.status,
    bundleSha256: row.bundle_sha256,
    bundleBytes: row.bundle_bytes,
    createdBy: row.created_by,
    createdAt: iso(row.created_at) as string,
    latestBuild:
      row.build_id && row.build_status
        ? {
            id: row.build_id,
            status: row.build_status,
            createdAt: iso(row.build_created_at) as string,
            finishedAt: iso(row.build_finished_at),
          }
        : null,
    active: row.id === activeVersionId,
  };
}

export function toRelease(row: ReleaseRow): TemplateRelease {
  return {
    id: row.id,
    versionId: row.version_id,
    version: row.version ?? "",
    kind: row.kind,
    actorId: row.actor_id,
    createdAt: iso(row.created_at) as string,
  };
}
