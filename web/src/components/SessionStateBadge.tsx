import type { SessionState } from "@burstflare/sdk/states";
import { Badge, type Tone } from "./Badge";

const TONE: Record<SessionState, Tone | undefined> = {
  created: "info",
  starting: "accent",
  running: "ok",
  sleeping: "info",
  stopping: "warn",
  stopped: undefined,
  failed: "bad",
  deleted: undefined,
};

const LIVE: readonly SessionState[] = ["starting", "stopping", "running"];

/** The session state as a coloured pill; transitional and running states pulse. */
export function SessionStateBadge({ state }: { state: SessionState }) {
  return (
    <Badge tone={TONE[state]} data-testid="session-state" data-state={state}>
      <span className={`pulse${LIVE.includes(state) ? " live" : ""}`} aria-hidden />
      {state}
    </Badge>
  );
}
