import type { BuildState } from "@burstflare/sdk/states";
import { Badge, type Tone } from "../../components/Badge";

/** A build state's colour, wherever a build is shown. */
export const BUILD_TONE: Record<BuildState, Tone> = {
  queued: "info",
  building: "accent",
  retrying: "warn",
  succeeded: "ok",
  failed: "bad",
  dead_lettered: "bad",
};

const LABEL: Record<BuildState, string> = {
  queued: "Queued",
  building: "Building",
  retrying: "Retrying",
  succeeded: "Succeeded",
  failed: "Failed",
  dead_lettered: "Dead-lettered",
};

export const buildStateLabel = (state: BuildState): string => LABEL[state];

export function BuildStatusBadge({ status }: { status: BuildState }) {
  const live = status === "building" || status === "queued" || status === "retrying";
  return (
    <Badge tone={BUILD_TONE[status]} data-testid="build-status" data-status={status}>
      <span className={`pulse${live ? " live" : ""}`} aria-hidden />
      {LABEL[status]}
    </Badge>
  );
}
