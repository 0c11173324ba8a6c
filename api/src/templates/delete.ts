import { ApiError } from "../../../sdk/errors";
import type { AppBindings } from "../env";
import { deletePrefix } from "../reconcile/r2";
import { buildPrefix, templatePrefix } from "./keys";
import type { TemplateRow } from "./rows";

async function sessionsUsing(env: AppBindings, templateId: string): Promise<number> {
  const inUse = await env.DB.prepare(
    "SELECT COUNT(*) AS n FROM sessions WHERE template_id = ? AND deleted_at IS NULL AND state != 'deleted'",
  )
    .bind(templateId)
    .first<{ n: number }>();
  return inUse?.n ?? 0;
}

/**
 * Deletes a template recoverably: it is hidden at once (every lookup filters deleted_at) and its
 * versions, builds and objects stay for the retention window, during which an operator can
 * restore it; reconcile purges it afterwards (purgeTemplate). Refused while sessions still use
 * it (they may need its artifact to start again).
 */
export async function deleteTemplate(env: AppBindings, row: TemplateRow): Promise<{ deletedAt: number }> {
  const n = await sessionsUsing(env, row.id);
  if (n > 0) throw new ApiError("invalid_state", `${n} session(s) still use this template; delete them or archive the template instead`);
  const t = Date.now();
  await env.DB.prepare("UPDATE templates SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL").bind(t, t, row.id).run();
  return { deletedAt: t };
}

/**
 * Removes a template, its versions, releases, builds and grants, and every R2 object they
 * own: reconcile's purge after the retention window. Skipped (false) while sessions use it.
 * A build still running finds its row gone when it finishes and deletes what it wrote.
 */
export async function purgeTemplate(env: AppBindings, row: Pick<TemplateRow, "id" | "workspace_id">): Promise<{ objects: number } | null> {
  if ((await sessionsUsing(env, row.id)) > 0) return null;
  const workspaceId = row.workspace_id as string;
  const builds = await env.DB.prepare("SELECT id FROM template_builds WHERE template_id = ?").bind(row.id).all<{ id: string }>();
  let objects = await deletePrefix(env.BUCKET, templatePrefix(workspaceId, row.id));
  for (const b of builds.results) objects += await deletePrefix(env.BUCKET, buildPrefix(workspaceId, b.id));
  await env.DB.batch([
    env.DB.prepare("DELETE FROM upload_grants WHERE version_id IN (SELECT id FROM template_versions WHERE template_id = ?)").bind(row.id),
    env.DB.prepare("DELETE FROM template_builds WHERE template_id = ?").bind(row.id),
    env.DB.prepare("DELETE FROM template_releases WHERE template_id = ?").bind(row.id),
    env.DB.prepare("DELETE FROM template_versions WHERE template_id = ?").bind(row.id),
    env.DB.prepare("DELETE FROM templates WHERE id = ?").bind(row.id),
  ]);
  return { objects };
}
