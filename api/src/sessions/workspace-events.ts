import type { WorkspaceSessionChange } from "../durable-objects/workspace-events";
import type { AppBindings } from "../env";
import { log } from "../lib/log";

/** The workspace's event fan-out: one Durable Object per workspace id. */
export function workspaceEventsStub(env: AppBindings, workspaceId: string) {
  return env.WORKSPACE_EVENTS.get(env.WORKSPACE_EVENTS.idFromName(workspaceId));
}

/**
 * Tells the workspace's open lists that a session changed. Best effort: a lost event costs a
 * stale row until the next change or reconnect, never a failed transition.
 */
export async function publishSessionChange(env: AppBindings, workspaceId: string, change: WorkspaceSessionChange): Promise<void> {
  if (typeof env.WORKSPACE_EVENTS?.idFromName !== "function") return;
  try {
    await workspaceEventsStub(env, workspaceId).publish(change);
  } catch (err) {
    log("error", "workspace event publish failed", { workspaceId, sessionId: change.sessionId, error: String(err) });
  }
}
