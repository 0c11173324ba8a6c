import type { AppBindings } from "../env";
import { dbOf } from "../lib/db";
import { now } from "../lib/time";
import { listBuildingSince, type StuckBuild } from "./builds-repo";

/** BUILD_STUCK_AFTER_SECONDS (wrangler.toml var), 900 when unset or invalid. */
export function stuckAfterMs(env: AppBindings): number {
  const seconds = Number(env.BUILD_STUCK_AFTER_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 900) * 1000;
}

/** Builds in `building` for longer than BUILD_STUCK_AFTER_SECONDS: for reconcile and the admin report. */
export function findStuckBuilds(env: AppBindings, at = now()): Promise<StuckBuild[]> {
  return listBuildingSince(dbOf(env), at - stuckAfterMs(env));
}
