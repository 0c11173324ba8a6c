import { ApiError } from "@burstflare/sdk/errors";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { type Db, dbOf } from "../lib/db";
import { notFound } from "../lib/errors";
import { now } from "../lib/time";
import {
  activeVersionOf,
  insertRelease,
  MAX_RELEASES_PER_TEMPLATE,
  releaseHistory,
  storedReleaseStack,
  versionHasArtifact,
  versionLabel,
} from "./templates-repo";

/**
 * Release history as a stack of version ids: a promote pushes its version, a rollback pops back to
 * the version below. Rolling back twice after promoting A, B, C lands on A. The template stores it
 * (insertRelease moves it with each release); one whose history predates that replays its history.
 */
async function releaseStack(db: Db, templateId: string): Promise<string[]> {
  const stored = await storedReleaseStack(db, templateId);
  if (stored) return stored;
  const stack: string[] = [];
  for (const r of await releaseHistory(db, templateId)) {
    if (r.kind === "promote") stack.push(r.versionId);
    else stack.pop();
  }
  return stack.slice(-MAX_RELEASES_PER_TEMPLATE);
}

/**
 * The version a rollback would re-promote, or null when there is nothing before the current one
 * or that version was deleted (deleteVersion refuses the target itself; a deeper one may surface).
 */
export async function rollbackTarget(env: AppBindings, templateId: string): Promise<{ versionId: string; version: string } | null> {
  const db = dbOf(env);
  const versionId = (await releaseStack(db, templateId)).at(-2);
  const version = versionId ? await versionLabel(db, templateId, versionId) : null;
  return versionId && version ? { versionId, version } : null;
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
  // Deleted, or the stack moved, since it was found: what a rollback a moment later would answer.
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
  const db = dbOf(env);
  // Used only while the template stores no stack: insertRelease then stores this one, moved.
  const replayed = await releaseStack(db, templateId);
  return insertRelease(db, { id: newId("tpr"), templateId, versionId, kind, actorId, at: now(), replayed });
}
