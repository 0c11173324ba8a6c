import { ApiError } from "@burstflare/sdk/errors";
import { type Manifest, storedManifestSchema } from "@burstflare/sdk/schemas/manifest";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { STARTER_TEMPLATE_ID } from "./starter";
import { activeVersionOf, findTemplateSource, findVersionSource, latestArtifactKey } from "./templates-repo";

interface ResolvedTemplate {
  templateId: string;
  versionId: string;
  manifest: Manifest;
  /** R2 key of the latest succeeded build artifact of the promoted version, if any. */
  artifactKey: string | null;
  /** R2 key of the version's uploaded bundle (unpacked when there is no artifact). */
  bundleKey: string | null;
}

/**
 * What a new session of `templateId` starts from: the promoted version's manifest and
 * its latest succeeded artifact. Omitted templateId means the built-in starter (seeded by
 * migrations/0032_seed_starter_template.sql, the one place its manifest is written).
 * Another workspace's template answers 404; archived or never-promoted ones 409.
 */
export async function resolveTemplateForSession(
  env: AppBindings,
  workspaceId: string,
  templateId: string = STARTER_TEMPLATE_ID,
): Promise<ResolvedTemplate> {
  const tpl = await findTemplateSource(dbOf(env), templateId);
  if (!tpl || tpl.deleted || (!tpl.builtin && tpl.workspaceId !== workspaceId)) {
    throw new ApiError("not_found", "template not found");
  }
  if (tpl.archived) throw new ApiError("invalid_state", "template is archived; restore it to start sessions");
  if (!tpl.activeVersionId) throw new ApiError("invalid_state", "template has no promoted version yet");
  return resolveVersion(env, tpl.id, tpl.activeVersionId);
}

async function resolveVersion(env: AppBindings, templateId: string, versionId: string): Promise<ResolvedTemplate> {
  const db = dbOf(env);
  const version = await findVersionSource(db, templateId, versionId);
  if (!version) throw new ApiError("invalid_state", "template's promoted version is missing");
  const artifactKey = await latestArtifactKey(db, versionId);
  return {
    templateId,
    versionId,
    manifest: storedManifestSchema.parse(JSON.parse(version.manifest)),
    artifactKey,
    bundleKey: version.bundleKey,
  };
}

/** True when the template's promoted version differs from the one a session started from. */
export async function isNewerVersionAvailable(env: AppBindings, templateId: string | null, versionId: string | null): Promise<boolean> {
  if (!templateId || !versionId) return false;
  const active = await activeVersionOf(dbOf(env), templateId, { live: true });
  return !!active && active !== versionId;
}
