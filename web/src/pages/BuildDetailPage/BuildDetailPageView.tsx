import type { Build } from "@burstflare/sdk/schemas/builds";
import { useEffect, useRef } from "react";
import { Link } from "react-router";
import { formatBytes } from "../../components/bytes";
import { ArrowLeftIcon } from "../../components/icons";
import { ErrorAlert, ErrorState, QueryPending, type QueryStatusProps } from "../../components/states";
import { formatDateTime } from "../../components/time";
import { BuildStatusBadge } from "../BuildsPage/BuildStatusBadge";
import "../TemplatesPage/templates.css";

interface Props extends QueryStatusProps {
  build: Build | undefined;
  log: string;
  logError: unknown;
  /** Null where the caller may not download it (viewers: the archive may hold secrets written to disk). */
  artifactURL: string | null;
  canRetry: boolean;
  retrying: boolean;
  retryError: string | null;
  onRetryBuild: () => void;
}

export function BuildDetailPageView({ build, log, logError, artifactURL, canRetry, retrying, retryError, onRetryBuild, ...status }: Props) {
  const logRef = useRef<HTMLPreElement>(null);
  const follow = useRef(true);
  // Keep the newest output in view unless the reader scrolled up.
  useEffect(() => {
    const el = logRef.current;
    if (el && follow.current && log) el.scrollTop = el.scrollHeight;
  }, [log]);

  if (status.loading || status.error || !build) return <QueryPending {...status} />;
  const retryable = build.status === "failed" || build.status === "dead_lettered";

  return (
    <div className="stack" style={{ gap: "1rem" }}>
      <Link to={`/templates/${build.templateId}`} className="muted small row" style={{ gap: 4 }}>
        <ArrowLeftIcon size={14} /> {build.templateName}
      </Link>
      <div className="page-header">
        <div>
          <h1 className="row" style={{ gap: "0.6rem" }}>
            Build of {build.templateName} <span className="mono">{build.version}</span>
            <BuildStatusBadge status={build.status} />
          </h1>
          <p className="muted mono small">{build.id}</p>
        </div>
        <div className="row">
          {build.hasArtifact && artifactURL && (
            <a className="btn" href={artifactURL} download>
              Download artifact
            </a>
          )}
          {canRetry && retryable && (
            <button type="button" className="btn btn-primary" disabled={retrying} onClick={onRetryBuild}>
              {retrying && <span className="spinner" aria-hidden />}
              Retry build
            </button>
          )}
        </div>
      </div>
      <ErrorAlert>{retryError}</ErrorAlert>
      {build.error && build.status !== "succeeded" && (
        <div className="alert alert-warn" role="status" data-testid="build-error">
          {build.error}
        </div>
      )}
      <dl className="kv card">
        <dt>Attempts</dt>
        <dd>{build.attempts}</dd>
        <dt>Queued</dt>
        <dd>{formatDateTime(build.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(build.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(build.finishedAt)}</dd>
        <dt>Artifact</dt>
        <dd className="mono small">{build.hasArtifact ? `${formatBytes(build.artifactBytes)} · sha256 ${build.artifactSha256}` : "—"}</dd>
      </dl>
      <section className="card stack">
        <div className="card-header">
          <h2>Log</h2>
        </div>
        {logError ? <ErrorState error={logError} /> : null}
        <pre
          ref={logRef}
          className="build-log"
          data-testid="build-log"
          aria-live="polite"
          onScroll={(e) => {
            const el = e.currentTarget;
            follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
          }}
        >
          {log || (build.status === "queued" ? "Waiting for a builder…" : "")}
        </pre>
      </section>
    </div>
  );
}
