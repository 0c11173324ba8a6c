import type { AppBindings } from "../env";
import { now } from "../lib/time";

export interface StuckBuild {
  id: string;
  workspaceId: string;
  templateId: string;
  startedAt: number;
  workflowInstanceId: string | null;
}

/** BUILD_STUCK_AFTER_SECONDS (wrangler.toml var), 900 when unset or invalid. */
export function stuckAfterMs(env: AppBindings): number {
  const seconds = Number(env.BUILD_STUCK_AFTER_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 900) * 1000;
}

/** Builds in `building` for longer than BUILD_STUCK_AFTER_SECONDS: for reconcile and the admin report. */
export async function findStuckBuilds(env: AppBindings, at = now()): Promise<StuckBuild[]> {
  const rows = await env.DB.prepare(
    `SELECT id, workspace_id, template_id, started_at, workflow_instance_id FROM template_builds
     WHERE status = 'building' AND started_at IS NOT NULL AND started_at < ? ORDER BY started_at LIMIT 500`,
  )
    .bind(at - stuckAfterMs(env))
    .all<{ id: string; workspace_id: string; template_id: string; started_at: number; workflow_instance_id: string | null }>();
  return rows.results.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    templateId: r.template_id,
    startedAt: r.started_at,
    workflowInstanceId: r.workflow_instance_id,
  }));
}
