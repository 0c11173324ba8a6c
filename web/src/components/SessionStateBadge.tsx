import type { SessionState } from "@burstflare/sdk/states";

const TONE: Record<SessionState, string> = {
  created: "badge-info",
  starting: "badge-accent",
  running: "badge-ok",
  sleeping: "badge-info",
  stopping: "badge-warn",
  stopped: "",
  failed: "badge-bad",
  deleted: "",
};

const LIVE: readonly SessionState[] = ["starting", "stopping", "running"];

/** The session state as a coloured pill; transitional and running states pulse. */
export function SessionStateBadge({ state }: { state: SessionState }) {
  return (
    <span className={`badge ${TONE[state]}`} data-testid="session-state" data-state={state}>
      <span className={`pulse${LIVE.includes(state) ? " live" : ""}`} aria-hidden />
      {state}
    </span>
  );
}
