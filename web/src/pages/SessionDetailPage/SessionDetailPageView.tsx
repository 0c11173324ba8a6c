import type { SessionDetail, SessionEvent } from "@burstflare/sdk/schemas/sessions";
import type { ReactNode } from "react";
import { Link } from "react-router";
import type { EventStreamStatus } from "../../api/session-events";
import { Badge } from "../../components/Badge";
import { CopyCommand } from "../../components/CopyButton";
import { ArrowLeftIcon, ClockIcon, CodeIcon, GlobeIcon, TerminalIcon } from "../../components/icons";
import { LifecycleProgress } from "../../components/LifecycleProgress";
import { SessionControls } from "../../components/SessionControls";
import { SessionStateBadge } from "../../components/SessionStateBadge";
import { QueryPending, type QueryStatusProps } from "../../components/states";
import { formatDateTime, timeAgo } from "../../components/time";

interface Props extends QueryStatusProps {
  session: SessionDetail | undefined;
  events: SessionEvent[];
  streamStatus: EventStreamStatus;
  canLifecycle: boolean;
  templateName: string;
  snapshots: ReactNode;
  /** The Share button for the preview, when the caller may manage links. */
  share?: ReactNode;
  /** Start on intent and start/wake latency. */
  startup?: ReactNode;
  onDeleted: () => void;
}

export function SessionDetailPageView({
  session,
  events,
  streamStatus,
  canLifecycle,
  templateName,
  snapshots,
  share,
  startup,
  onDeleted,
  ...status
}: Props) {
  if (status.loading || status.error || !session) return <QueryPending {...status} missing={new Error("session not found")} />;
  const starting = session.state === "starting";
  const previewPath = `/runtime/sessions/${session.id}/preview/`;

  return (
    <div className="stack" data-testid="session-detail">
      <Link to="/sessions" className="back-link">
        <ArrowLeftIcon size={14} /> Sessions
      </Link>
      <div className="page-header" style={{ marginBottom: 0 }}>
        <div>
          <div className="row" style={{ gap: "0.75rem" }}>
            <h1 className="mono">{session.name}</h1>
            <SessionStateBadge state={session.state} />
            <span className={`stream-dot stream-${streamStatus}`} title={`Live updates: ${streamStatus}`} />
          </div>
          <p className="muted">
            {templateName} · created {timeAgo(session.createdAt)}
            {session.newerVersionAvailable && (
              <Badge tone="info" style={{ marginLeft: 8 }}>
                newer template version
              </Badge>
            )}
          </p>
        </div>
        <div className="row">
          <Link to={`/sessions/${session.id}/workbench`} className="btn btn-primary" data-testid="open-workbench">
            <CodeIcon size={14} /> Open workbench
          </Link>
          {share}
          <SessionControls session={session} onDeleted={onDeleted} canLifecycle={canLifecycle} />
        </div>
      </div>

      {session.state === "failed" && session.failureReason && (
        <div className="alert alert-error" role="alert">
          <strong>Failed:</strong> {session.failureReason}
        </div>
      )}

      <div className="grid grid-2">
        <section className="card">
          <div className="card-header">
            <h2>Runtime</h2>
          </div>
          <dl className="kv" data-testid="runtime-fields">
            <dt>Runtime status</dt>
            <dd data-field="runtimeStatus">{session.runtimeStatus ?? "—"}</dd>
            <dt>Runtime state</dt>
            <dd data-field="runtimeState">{session.runtimeState ?? "—"}</dd>
            <dt>Lifecycle phase</dt>
            <dd data-field="lastLifecyclePhase">{session.lastLifecyclePhase ?? "—"}</dd>
            <dt>Last bootstrap</dt>
            <dd data-field="lastBootstrapAt">{formatDateTime(session.lastBootstrapAt)}</dd>
            <dt>Preview port</dt>
            <dd>{session.previewPort ?? "none"}</dd>
            <dt>State version</dt>
            <dd className="mono">{session.stateVersion}</dd>
          </dl>
          {starting && (
            <div style={{ marginTop: "1rem" }}>
              <LifecycleProgress phase={session.lastLifecyclePhase} />
            </div>
          )}
        </section>

        <section className="card">
          <div className="card-header">
            <h2>Connect</h2>
          </div>
          <div className="stack" style={{ gap: "0.75rem" }}>
            <div className="field">
              <span className="field-label row">
                <TerminalIcon size={14} /> SSH with the flare CLI
              </span>
              <CopyCommand command={`flare ssh ${session.name}`} testId="ssh-command" />
            </div>
            <div className="field">
              <span className="field-label row">
                <GlobeIcon size={14} /> Preview {session.previewPort ? `(port ${session.previewPort})` : ""}
              </span>
              <CopyCommand command={`${window.location.origin}${previewPath}`} />
            </div>
            {session.activity && (
              <div className="field">
                <span className="field-label row">
                  <ClockIcon size={14} /> Idle sleep
                </span>
                <span className="muted small">
                  {session.activity.sleepsAt ? `Sleeps ${timeAgo(session.activity.sleepsAt)} unless used` : "No sleep scheduled"}
                  {session.activity.keptAwakeBy[0] && ` · kept awake by ${session.activity.keptAwakeBy[0]}`}
                </span>
              </div>
            )}
          </div>
        </section>
      </div>

      {startup}

      {snapshots}

      <section className="card">
        <div className="card-header">
          <h2>Recent events</h2>
        </div>
        {events.length === 0 ? (
          <p className="muted small">Transitions appear here live as they happen.</p>
        ) : (
          <ol className="event-list" data-testid="session-events">
            {[...events].reverse().map((e) => (
              <li key={e.seq} className={`event event-${e.type}`}>
                <span className="event-time mono">{new Date(e.at).toLocaleTimeString()}</span>
                <span>
                  <strong>{e.state}</strong>
                  {e.phase && <span className="muted"> · {e.phase}</span>}
                  {e.message && <span className="muted"> — {e.message}</span>}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
