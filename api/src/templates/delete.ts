import { ApiError } from "@burstflare/sdk/errors";
import type { Template } from "@burstflare/sdk/schemas/templates";
import type { AppBindings } from "../env";
import { type Db, dbOf } from "../lib/db";
import { notFound } from "../lib/errors";
import { deletePrefix } from "../reconcile/r2";
import { buildPrefix, templatePrefix, versionPrefix } from "./keys";
import { rollbackTarget } from "./releases";
import { loadVersion } from "./store";
import { countSessionsUsingTemplate, deleteVersionRows, markTemplateDeleted, purgeTemplateRows, versionUse } from "./templates-repo";

/**
 * Deletes a template recoverably: it is hidden at once (every lookup filters deleted_at) and its
 * versions, builds and objects stay for the retention window, during which an operator can
 * restore it; reconcile purges it afterwards (purgeTemplate). Refused while sessions still use
 * it (they may need its artifact to start again), by the write's own condition (markTemplateDeleted).
 */
export async function deleteTemplate(env: AppBindings, template: Pick<Template, "id">): Promise<{ deletedAt: number }> {
  const db = dbOf(env);
  const t = Date.now();
  if (await markTemplateDeleted(db, template.id, t)) return { deletedAt: t };
  // Read just after the refusal, so the count names what held it back.
  const n = await countSessionsUsingTemplate(db, template.id);
  if (n > 0) throw new ApiError("invalid_state", `${n} session(s) still use this template; delete them or archive the template instead`);
  throw notFound("template");
}

/**
 * Removes a template, its versions, releases, builds and grants, and every R2 object they
 * own: reconcile's purge after the retention window. Skipped (null) while sessions use it or once
 * it was restored. The rows go first, in one batch carrying both refusals (purgeTemplateRows), and
 * R2 after, so the objects of a template kept meanwhile stay (one cut short leaves objects without
 * rows, which the orphan scan removes). A build still running finds its row gone when it finishes
 * and deletes what it wrote.
 */
export async function purgeTemplate(
  env: AppBindings,
  template: { id: string; workspaceId: string | null },
): Promise<{ objects: number } | null> {
  const buildIds = await purgeTemplateRows(dbOf(env), template.id);
  if (!buildIds) return null;
  const workspaceId = template.workspaceId as string;
  let objects = await deletePrefix(env.BUCKET, templatePrefix(workspaceId, template.id));
  for (const id of buildIds) objects += await deletePrefix(env.BUCKET, buildPrefix(workspaceId, id));
  return { objects };
}

/**
 * Deletes one version for good, its bundle, builds, logs and artifacts with it (the way back from
 * the templateBytes quota short of deleting the template). Refused for the promoted version, the
 * one a rollback returns to, a version any session was started from (a deleted session counts
 * until it is purged: restored, it starts from that artifact), and while one of its builds runs.
 * Its releases stay in the history, shown as `deleted`. The rows go first, in one conditional
 * batch (deleteVersionRows), and R2 only after: a session created meanwhile either keeps the
 * version or is refused, and no version row is left whose objects are gone.
 */
export async function deleteVersion(
  env: AppBindings,
  template: Pick<Template, "id" | "workspaceId" | "activeVersionId">,
  versionId: string,
): Promise<{ bytes: number; objects: number }> {
  const db = dbOf(env);
  await loadVersion(env, template, versionId);
  if (template.activeVersionId === versionId) throw promoted();
  if ((await rollbackTarget(env, template.id))?.versionId === versionId)
    throw new ApiError("invalid_state", "a rollback returns to this version; promote another version first");
  const removed = await deleteVersionRows(db, versionId);
  if (!removed) throw await heldBack(db, versionId);
  const workspaceId = template.workspaceId as string;
  let objects = await deletePrefix(env.BUCKET, versionPrefix(workspaceId, template.id, versionId));
  for (const id of removed.buildIds) objects += await deletePrefix(env.BUCKET, buildPrefix(workspaceId, id));
  return { bytes: removed.bytes, objects };
}

const promoted = () => new ApiError("invalid_state", "the promoted version cannot be deleted; promote another first");

/** Why deleteVersionRows kept the version, read just after it (the answer names what held it back). */
async function heldBack(db: Db, versionId: string): Promise<ApiError> {
  const use = await versionUse(db, versionId);
  if (!use.exists) return notFound("template version");
  if (use.promoted) return promoted();
  if (use.sessions > 0)
    return new ApiError("invalid_state", `${use.sessions} session(s) were started from this version (deleted ones count until purged)`);
  if (use.activeBuilds > 0) return new ApiError("invalid_state", "a build of this version is still running; wait for it to finish");
  // A build finished or the version was demoted since: nothing holds it now, a retry may pass.
  return new ApiError("conflict", "the version changed while it was being deleted; try again");
}
