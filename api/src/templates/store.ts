import { ApiError } from "@burstflare/sdk/errors";
import type { Template, TemplateDetail, TemplateVersion } from "@burstflare/sdk/schemas/templates";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { found } from "../lib/errors";
import { rollbackTarget } from "./releases";
import {
  findLiveTemplate,
  findVersion,
  listReleases,
  listTemplates as listTemplatesOf,
  listVersions,
  templateBuildSummary,
  templateStorageBytes,
} from "./templates-repo";

/**
 * A template the caller's workspace may see: its own or a built-in one. Anything else is
 * 404 so existence does not leak. `write` refuses built-ins, which nobody may change.
 */
export async function loadTemplate(env: AppBindings, workspaceId: string, id: string, opts: { write?: boolean } = {}): Promise<Template> {
  const template = await findLiveTemplate(dbOf(env), id);
  if (!template || (!template.builtin && template.workspaceId !== workspaceId)) throw new ApiError("not_found", "template not found");
  if (opts.write && template.builtin) throw new ApiError("forbidden", "built-in templates are read-only");
  return template;
}

export function listTemplates(env: AppBindings, workspaceId: string): Promise<Template[]> {
  return listTemplatesOf(dbOf(env), workspaceId);
}

/** A version of the template (404 otherwise), marked active when it is `template`'s promoted one. */
export async function loadVersion(
  env: AppBindings,
  template: Pick<Template, "id" | "activeVersionId">,
  versionId: string,
): Promise<TemplateVersion> {
  return found(await findVersion(dbOf(env), template.id, versionId, template.activeVersionId), "template version");
}

export async function templateDetail(env: AppBindings, template: Template): Promise<TemplateDetail> {
  const db = dbOf(env);
  const [versions, releases, summary, bytes, target] = await Promise.all([
    listVersions(db, template.id, template.activeVersionId),
    listReleases(db, template.id),
    templateBuildSummary(db, template.id),
    templateStorageBytes(db, template.id),
    rollbackTarget(env, template.id),
  ]);
  return {
    template,
    versions,
    releases,
    buildSummary: summary,
    storageBytes: bytes,
    rollbackTarget: target,
  };
}
