import { ApiError } from "@burstflare/sdk/errors";
import type { SessionState } from "@burstflare/sdk/states";

/**
 * The session state machine: created → starting → running → sleeping | stopping → stopped, any → failed,
 * any → deleted. Sleeping, stopped and failed sessions start again; restart of a running
 * session passes through stopping.
 */
const NEXT: Record<SessionState, readonly SessionState[]> = {
  created: ["starting"],
  starting: ["running", "stopping"],
  running: ["sleeping", "stopping"],
  sleeping: ["starting", "stopping"],
  // back to running when the flush of a stop fails; starting after an interrupted stop.
  stopping: ["stopped", "running", "starting"],
  stopped: ["starting"],
  failed: ["starting", "stopping", "stopped"],
  deleted: [],
};

export function canTransition(from: SessionState, to: SessionState): boolean {
  if (from === "deleted") return false;
  if (to === "failed" || to === "deleted") return true;
  return NEXT[from].includes(to);
}

export function assertTransition(from: SessionState, to: SessionState): void {
  if (!canTransition(from, to)) throw new ApiError("invalid_state", `session cannot go from ${from} to ${to}`);
}
