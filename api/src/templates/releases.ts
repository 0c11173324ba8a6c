import { ApiError } from "../../../sdk/errors";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { now } from "../lib/time";

/**
 * Release history as a stack: a promote pushes its version, a rollback pops back to the
 * version below. Rolling back twice after promoting A, B, C lands on A.
 */
async function releaseStack(env: AppBindings, templateId: string): Promise<{ versionId: string; version: string }[]> {
  const rows = await env.DB.prepare(
    `SELECT r.kind, r.version_id, v.version FROM template_releases r JOIN template_versions v ON v.id = r.version_id
     WHERE r.template_id = ? ORDER BY r.created_at, r.rowid`,
  )
    .bind(templateId)
    .all<{ kind: "promote" | "rollback"; version_id: string; version: string }>();
  const stack: { versionId: string; version: string }[] = [];
  for (const r of rows.results) {
    if (r.kind === "promote") stack.push({ versionId: r.version_id, version: r.version });
    else stack.pop();
  }
  return stack;
}

/** The version a rollback would re-promote, or null when there is nothing before the current one. */
export async function rollbackTarget(env: AppBindings, templateId: string): Promise<{ versionId: string; version: string } | null> {
  const stack = await releaseStack(env, templateId);
  return stack.length >= 2 ? (stack[stack.length - 2] ?? null) : null;
}

/** Only a version with a succeeded build (an artifact sessions can start from) may be promoted. */
export async function promoteVersion(env: AppBindings, templateId: string, versionId: string, actorId: string): Promise<void> {
  const ok = await env.DB.prepare(
    `SELECT v.id FROM template_versions v WHERE v.id = ? AND v.template_id = ? AND EXISTS (
       SELECT 1 FROM template_builds b WHERE b.version_id = v.id AND b.status = 'succeeded' AND b.artifact_key IS NOT NULL)`,
  )
    .bind(versionId, templateId)
    .first();
  if (!ok) throw new ApiError("invalid_state", "only a version with a succeeded build can be promoted");
  const current = await env.DB.prepare("SELECT active_version_id FROM templates WHERE id = ?")
    .bind(templateId)
    .first<{ active_version_id: string | null }>();
  if (current?.active_version_id === versionId) throw new ApiError("invalid_state", "that version is already promoted");
  await writeRelease(env, templateId, versionId, "promote", actorId);
}

export async function rollback(env: AppBindings, templateId: string, actorId: string): Promise<{ versionId: string; version: string }> {
  const target = await rollbackTarget(env, templateId);
  if (!target) throw new ApiError("invalid_state", "no earlier release to roll back to");
  await writeRelease(env, templateId, target.versionId, "rollback", actorId);
  return target;
}

async function writeRelease(
  env: AppBindings,
  templateId: string,
  versionId: string,
  kind: "promote" | "rollback",
  actorId: string,
): Promise<void> {
  const t = now();
  await env.DB.batch([
    env.DB.prepare("UPDATE templates SET active_version_id = ?, updated_at = ? WHERE id = ?").bind(versionId, t, templateId),
    env.DB.prepare(
      "INSERT INTO template_releases (id, template_id, version_id, kind, actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).bind(newId("tpr"), templateId, versionId, kind, actorId, t),
  ]);
}
