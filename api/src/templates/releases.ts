import { ApiError } from "@burstflare/sdk/errors";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { notFound } from "../lib/errors";
import { now } from "../lib/time";
import { activeVersionOf, insertRelease, releaseHistory, versionHasArtifact } from "./templates-repo";

/**
 * Release history as a stack: a promote pushes its version, a rollback pops back to the
 * version below. Rolling back twice after promoting A, B, C lands on A.
 */
async function releaseStack(env: AppBindings, templateId: string): Promise<{ versionId: string; version: string | null }[]> {
  const rows = await releaseHistory(dbOf(env), templateId);
  const stack: { versionId: string; version: string | null }[] = [];
  for (const r of rows) {
    if (r.kind === "promote") stack.push({ versionId: r.versionId, version: r.version });
    else stack.pop();
  }
  return stack;
}

/**
 * The version a rollback would re-promote, or null when there is nothing before the current one
 * or that version was deleted (deleteVersion refuses the target itself; a deeper one may surface).
 */
export async function rollbackTarget(env: AppBindings, templateId: string): Promise<{ versionId: string; version: string } | null> {
  const stack = await releaseStack(env, templateId);
  const target = stack.length >= 2 ? stack[stack.length - 2] : undefined;
  return target?.version ? { versionId: target.versionId, version: target.version } : null;
}

/** Only a version with a succeeded build (an artifact sessions can start from) may be promoted. */
export async function promoteVersion(env: AppBindings, templateId: string, versionId: string, actorId: string): Promise<void> {
  const db = dbOf(env);
  if (!(await versionHasArtifact(db, templateId, versionId))) {
    throw new ApiError("invalid_state", "only a version with a succeeded build can be promoted");
  }
  const current = await activeVersionOf(db, templateId, { live: false });
  if (current === versionId) throw new ApiError("invalid_state", "that version is already promoted");
  // The version was deleted since it was checked: the release, conditional on it, wrote nothing.
  if (!(await writeRelease(env, templateId, versionId, "promote", actorId))) throw notFound("template version");
}

const noTarget = () => new ApiError("invalid_state", "no earlier release to roll back to (or it was deleted)");

export async function rollback(env: AppBindings, templateId: string, actorId: string): Promise<{ versionId: string; version: string }> {
  const target = await rollbackTarget(env, templateId);
  if (!target) throw noTarget();
  // Deleted since it was found: what a rollback a moment later would answer.
  if (!(await writeRelease(env, templateId, target.versionId, "rollback", actorId))) throw noTarget();
  return target;
}

/** false when the version was deleted meanwhile (nothing written: insertRelease). */
async function writeRelease(
  env: AppBindings,
  templateId: string,
  versionId: string,
  kind: "promote" | "rollback",
  actorId: string,
): Promise<boolean> {
  return insertRelease(dbOf(env), { id: newId("tpr"), templateId, versionId, kind, actorId, at: now() });
}
