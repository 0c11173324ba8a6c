import type { LifecyclePhase } from "@burstflare/sdk/states";
import { CheckIcon } from "./icons";

/** The phases a start or wake walks through, in order (flushing/stopped belong to stop). */
const START_PHASES: { phase: LifecyclePhase; label: string }[] = [
  { phase: "provisioning", label: "Provisioning runtime" },
  { phase: "restoring_artifact", label: "Restoring template build" },
  { phase: "restoring_snapshot", label: "Restoring your files" },
  { phase: "bootstrapping", label: "Running bootstrap" },
  { phase: "ready", label: "Ready" },
];

/** A vertical stepper: phases before the current one are done, the current one spins. */
export function LifecycleProgress({ phase, failed }: { phase: LifecyclePhase | null; failed?: boolean }) {
  const current = START_PHASES.findIndex((p) => p.phase === phase);
  return (
    <ol className="phase-list" data-testid="lifecycle-progress" data-phase={phase ?? ""}>
      {START_PHASES.map((p, i) => {
        const status =
          current < 0
            ? "todo"
            : i < current || (p.phase === "ready" && i === current)
              ? "done"
              : i === current
                ? failed
                  ? "failed"
                  : "active"
                : "todo";
        return (
          <li key={p.phase} className={`phase phase-${status}`}>
            <span className="phase-mark" aria-hidden>
              {status === "done" ? <CheckIcon size={12} /> : status === "active" ? <span className="spinner" /> : null}
            </span>
            <span>{p.label}</span>
            <span className="sr-only">{status}</span>
          </li>
        );
      })}
    </ol>
  );
}
