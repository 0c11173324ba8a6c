import { ApiError } from "../../../sdk/errors";
import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { deletePrefix } from "../reconcile/r2";
import { buildPrefix, templatePrefix } from "./keys";
import {
  countSessionsUsingTemplate,
  deleteTemplateRows,
  listTemplateBuildIds,
  markTemplateDeleted,
  type TemplateRow,
} from "./templates-repo";

/**
 * Deletes a template recoverably: it is hidden at once (every lookup filters deleted_at) and its
 * versions, builds and objects stay for the retention window, during which an operator can
 * restore it; reconcile purges it afterwards (purgeTemplate). Refused while sessions still use
 * it (they may need its artifact to start again).
 */
export async function deleteTemplate(env: AppBindings, row: TemplateRow): Promise<{ deletedAt: number }> {
  const db = dbOf(env);
  const n = await countSessionsUsingTemplate(db, row.id);
  if (n > 0) throw new ApiError("invalid_state", `${n} session(s) still use this template; delete them or archive the template instead`);
  const t = Date.now();
  await markTemplateDeleted(db, row.id, t);
  return { deletedAt: t };
}

/**
 * Removes a template, its versions, releases, builds and grants, and every R2 object they
 * own: reconcile's purge after the retention window. Skipped (false) while sessions use it.
 * A build still running finds its row gone when it finishes and deletes what it wrote.
 */
export async function purgeTemplate(env: AppBindings, row: Pick<TemplateRow, "id" | "workspace_id">): Promise<{ objects: number } | null> {
  const db = dbOf(env);
  if ((await countSessionsUsingTemplate(db, row.id)) > 0) return null;
  const workspaceId = row.workspace_id as string;
  const buildIds = await listTemplateBuildIds(db, row.id);
  let objects = await deletePrefix(env.BUCKET, templatePrefix(workspaceId, row.id));
  for (const id of buildIds) objects += await deletePrefix(env.BUCKET, buildPrefix(workspaceId, id));
  await deleteTemplateRows(db, row.id);
  return { objects };
}
