import type { Session, SessionEvent } from "@burstflare/sdk/schemas/sessions";
import { BoltIcon, PlayIcon } from "../../components/icons";
import { LifecycleProgress } from "../../components/LifecycleProgress";
import { errorLine } from "../../components/states";

interface Props {
  session: Session;
  lastEvent: SessionEvent | undefined;
  canStart: boolean;
  starting: boolean;
  startError: unknown;
  onStart: () => void;
}

/** Shown instead of the IDE while the session is not running: wake progress, or a start button. */
export function WakeScreen({ session, lastEvent, canStart, starting, startError, onStart }: Props) {
  const phase = lastEvent?.phase ?? session.lastLifecyclePhase;
  const inProgress = session.state === "starting" || starting;
  const title =
    session.state === "stopping"
      ? "Saving and stopping…"
      : inProgress
        ? session.state === "sleeping" || lastEvent?.message?.includes("wake")
          ? "Waking your session…"
          : "Starting your session…"
        : session.state === "failed"
          ? "This session failed"
          : `This session is ${session.state}`;

  return (
    <div className="wake-screen" data-testid="wake-screen">
      <div className="wake-card card">
        <div className="wake-icon">
          <BoltIcon size={22} />
        </div>
        <h2>{title}</h2>
        <p className="muted mono">{session.name}</p>
        {inProgress ? (
          <LifecycleProgress phase={!phase || phase === "stopped" || phase === "flushing" ? "provisioning" : phase} />
        ) : session.state === "stopping" ? (
          <p className="muted">Your files are being flushed to storage.</p>
        ) : (
          <>
            {session.failureReason && session.state === "failed" && (
              <p className="small" style={{ color: "var(--bad)" }}>
                {session.failureReason}
              </p>
            )}
            {canStart ? (
              <button type="button" className="btn btn-primary btn-lg" onClick={onStart} data-testid="workbench-start">
                <PlayIcon size={16} /> Start session
              </button>
            ) : (
              <p className="muted small">Your role can look at this session but not start it.</p>
            )}
          </>
        )}
        {lastEvent?.message && inProgress && <p className="small subtle">{lastEvent.message}</p>}
        {startError ? (
          <p className="small" role="alert" style={{ color: "var(--bad)" }}>
            {errorLine(startError)}
          </p>
        ) : null}
      </div>
    </div>
  );
}
