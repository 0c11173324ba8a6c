import type { BuildState } from "@burstflare/sdk/states";

const TONE: Record<BuildState, string> = {
  queued: "badge-info",
  building: "badge-accent",
  retrying: "badge-warn",
  succeeded: "badge-ok",
  failed: "badge-bad",
  dead_lettered: "badge-bad",
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
    <span className={`badge ${TONE[status]}`} data-testid="build-status" data-status={status}>
      <span className={`pulse${live ? " live" : ""}`} aria-hidden />
      {LABEL[status]}
    </span>
  );
}
