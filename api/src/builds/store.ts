import { ApiError } from "@burstflare/sdk/errors";
import type { BuildQueueMessage } from "@burstflare/sdk/schemas/builds";
import type { BuildState } from "@burstflare/sdk/states";
import type { AppBindings } from "../env";
import { newId } from "../lib/crypto";
import { dbOf } from "../lib/db";
import { log } from "../lib/log";
import { now } from "../lib/time";
import { type BuildRecord, findBuild, listBuildRecords, markBuildQueued, setBuildStatus } from "./builds-repo";

export function getBuild(env: AppBindings, buildId: string): Promise<BuildRecord | null> {
  return findBuild(dbOf(env), buildId);
}

/** A build of the caller's workspace, else 404. */
export async function loadBuild(env: AppBindings, workspaceId: string, buildId: string): Promise<BuildRecord> {
  const build = await getBuild(env, buildId);
  if (!build || build.workspaceId !== workspaceId || build.templateDeleted) throw new ApiError("not_found", "build not found");
  return build;
}

/** A deleted template's builds are hidden with it (restorable until reconcile purges them). */
export function listBuilds(
  env: AppBindings,
  workspaceId: string,
  filter: { status?: BuildState; templateId?: string; limit: number },
): Promise<BuildRecord[]> {
  return listBuildRecords(dbOf(env), workspaceId, filter);
}

export const newBuildId = (): string => newId("bld");

/** Sends the build message; a send failure marks the build failed so it is visible and retryable. */
export async function enqueueBuild(env: AppBindings, buildId: string, reason: BuildQueueMessage["reason"]): Promise<void> {
  const message: BuildQueueMessage = { buildId, reason };
  try {
    await env.BUILD_QUEUE.send(message);
  } catch (err) {
    log("error", "build enqueue failed", { buildId, error: String(err) });
    await setStatus(env, buildId, "failed", { error: `could not enqueue the build: ${String(err)}` });
    throw new ApiError("internal", "could not enqueue the build; retry it");
  }
}

/**
 * Moves a finished or dead-lettered build back to queued and enqueues it. The conditional
 * UPDATE makes two concurrent retries enqueue once, and with `maxActive` keeps the workspace's
 * active builds under that limit.
 */
export async function requeueBuild(
  env: AppBindings,
  buildId: string,
  from: readonly BuildState[],
  reason: BuildQueueMessage["reason"],
  maxActive?: number,
): Promise<boolean> {
  if (!(await markBuildQueued(dbOf(env), buildId, from, now(), maxActive))) return false;
  await enqueueBuild(env, buildId, reason);
  return true;
}

export async function setStatus(
  env: AppBindings,
  buildId: string,
  status: BuildState,
  fields: { error?: string | null; finished?: boolean } = {},
): Promise<void> {
  await setBuildStatus(dbOf(env), buildId, status, fields, now());
}
