import { ApiError } from "@burstflare/sdk/errors";
import type { Template } from "@burstflare/sdk/schemas/templates";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { deletePrefix } from "../reconcile/r2";
import { buildPrefix, templatePrefix } from "./keys";
import { countSessionsUsingTemplate, deleteTemplateRows, listTemplateBuildIds, markTemplateDeleted } from "./templates-repo";

/**
 * Deletes a template recoverably: it is hidden at once (every lookup filters deleted_at) and its
 * versions, builds and objects stay for the retention window, during which an operator can
 * restore it; reconcile purges it afterwards (purgeTemplate). Refused while sessions still use
 * it (they may need its artifact to start again).
 */
export async function deleteTemplate(env: AppBindings, template: Pick<Template, "id">): Promise<{ deletedAt: number }> {
  const db = dbOf(env);
  const n = await countSessionsUsingTemplate(db, template.id);
  if (n > 0) throw new ApiError("invalid_state", `${n} session(s) still use this template; delete them or archive the template instead`);
  const t = Date.now();
  await markTemplateDeleted(db, template.id, t);
  return { deletedAt: t };
}

/**
 * Removes a template, its versions, releases, builds and grants, and every R2 object they
 * own: reconcile's purge after the retention window. Skipped (false) while sessions use it.
 * A build still running finds its row gone when it finishes and deletes what it wrote.
 */
export async function purgeTemplate(
  env: AppBindings,
  template: { id: string; workspaceId: string | null },
): Promise<{ objects: number } | null> {
  const db = dbOf(env);
  if ((await countSessionsUsingTemplate(db, template.id)) > 0) return null;
  const workspaceId = template.workspaceId as string;
  const buildIds = await listTemplateBuildIds(db, template.id);
  let objects = await deletePrefix(env.BUCKET, templatePrefix(workspaceId, template.id));
  for (const id of buildIds) objects += await deletePrefix(env.BUCKET, buildPrefix(workspaceId, id));
  await deleteTemplateRows(db, template.id);
  return { objects };
}
