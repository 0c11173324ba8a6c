import type { AdminBuild, AdminReport, DeletedItem, ReconcileResult, RestorableKind } from "@burstflare/sdk/schemas/admin";
import { Fragment } from "react";
import { Link } from "react-router";
import { Badge } from "../../components/Badge";
import { formatBytes } from "../../components/bytes";
import { DataTable } from "../../components/DataTable";
import { EmptyState, ErrorState, Skeleton } from "../../components/states";
import { formatDateTime, timeAgo } from "../../components/time";

const num = (n: number) => n.toLocaleString();

/** The fleet's plain counts, labelled by their names. */
const COUNTS = ["users", "workspaces", "sessions", "templates", "builds"] as const;

/** Counts per state as a row of labelled chips; zero states are dimmed, not hidden, so the set is stable. */
function Breakdown({ counts }: { counts: Record<string, number> }) {
  return (
    <div className="row" style={{ gap: 6 }}>
      {Object.entries(counts).map(([state, n]) => (
        <Badge key={state} tone={n > 0 ? "info" : undefined} data-state={state}>
          {state.replace("_", " ")} <strong>{n}</strong>
        </Badge>
      ))}
    </div>
  );
}

export function FleetCard({ report }: { report: AdminReport }) {
  const t = report.totals;
  return (
    <section className="card">
      <div className="card-header">
        <h2>Fleet</h2>
        <span className="small subtle">as of {timeAgo(report.generatedAt)}</span>
      </div>
      <div className="stack" style={{ gap: "0.9rem" }}>
        <dl className="kv">
          {COUNTS.map((name) => (
            <Fragment key={name}>
              <dt>{name[0]!.toUpperCase() + name.slice(1)}</dt>
              <dd>{num(t[name])}</dd>
            </Fragment>
          ))}
          <dt>Snapshots</dt>
          <dd>
            {num(t.snapshots)} · {formatBytes(t.snapshotBytes)}
          </dd>
        </dl>
        <div className="field">
          <span className="field-label">Sessions by state</span>
          <Breakdown counts={report.sessionsByState} />
        </div>
        <div className="field">
          <span className="field-label">Builds by status</span>
          <Breakdown counts={report.buildsByStatus} />
        </div>
      </div>
    </section>
  );
}

export function PolicyCard({ report }: { report: AdminReport }) {
  const p = report.policy;
  const last = report.lastReconcile;
  return (
    <section className="card">
      <div className="card-header">
        <h2>Policy and reconcile</h2>
      </div>
      <dl className="kv">
        <dt>Deleted kept for</dt>
        <dd>{p.deletedRetentionDays} days</dd>
        <dt>Sleeping stopped after</dt>
        <dd>{p.sleepingStopAfterDays} days</dd>
        <dt>Build stuck after</dt>
        <dd>
          {Math.round(p.buildStuckAfterSeconds / 60)} min, then <strong>{p.stuckBuildPolicy}</strong>
        </dd>
        <dt>Pending purge</dt>
        <dd>
          {report.pendingPurge.sessions} sessions · {report.pendingPurge.snapshots} snapshots · {report.pendingPurge.templates} templates ·{" "}
          {report.pendingPurge.workspaces} workspaces
        </dd>
        <dt>Last reconcile</dt>
        <dd>
          {last ? (
            <>
              {timeAgo(last.at)}
              {last.preview ? " (preview)" : ""} · {last.actions} actions
              {last.failed > 0 && <span style={{ color: "var(--bad)" }}> · {last.failed} failed</span>}
            </>
          ) : (
            "never"
          )}
        </dd>
      </dl>
    </section>
  );
}

export function ReconcileResultCard({ result }: { result: ReconcileResult }) {
  return (
    <section className="card" style={{ padding: 0 }} data-testid="reconcile-result">
      <div className="card-header" style={{ padding: "1rem 1.25rem 0" }}>
        <h2>{result.preview ? "Reconcile preview" : "Reconcile run"}</h2>
        <span className="small muted">
          {result.changed} {result.preview ? "planned" : "changed"} · {result.failed} failed · {result.durationMs} ms
          {result.truncated && " · cut short, the next run continues"}
        </span>
      </div>
      {result.actions.length === 0 ? (
        <EmptyState title="Nothing to do">Every session, build and grant is where it should be.</EmptyState>
      ) : (
        <DataTable columns={["Action", "Target", "Why", "Outcome"]}>
          {result.actions.map((a) => (
            <tr key={`${a.kind}:${a.targetId}`}>
              <td className="mono small">{a.kind}</td>
              <td className="small">
                {a.targetType} <span className="mono subtle">{a.targetId}</span>
              </td>
              <td className="small muted">{a.reason}</td>
              <td>
                <Badge tone={a.outcome === "failed" ? "bad" : a.outcome === "done" ? "ok" : undefined} title={a.error}>
                  {a.outcome}
                </Badge>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

export function DeadLetteredTable({
  builds,
  pendingId,
  onRetry,
}: {
  builds: AdminBuild[];
  pendingId: string | null;
  onRetry: (id: string) => void;
}) {
  if (builds.length === 0) return <EmptyState title="No dead-lettered builds">Builds that exhaust their retries land here.</EmptyState>;
  return (
    <DataTable testId="dead-lettered-builds" columns={["Build", "Template", "Error", "Updated"]} actions>
      {builds.map((b) => (
        <tr key={b.id}>
          <td className="mono small">
            <Link to={`/builds/${b.id}`}>{b.id}</Link>
          </td>
          <td>
            {b.templateName ?? b.templateId}
            {b.version && <span className="muted"> v{b.version}</span>}
          </td>
          <td className="small muted" style={{ maxWidth: 320 }}>
            {b.error ?? "—"}
            <div className="subtle">{b.attempts} attempts</div>
          </td>
          <td className="muted small">{timeAgo(b.updatedAt)}</td>
          <td>
            <button type="button" className="btn btn-sm" onClick={() => onRetry(b.id)} disabled={pendingId !== null}>
              {pendingId === b.id && <span className="spinner" aria-hidden />}
              Retry
            </button>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function RecentFailures({ report }: { report: AdminReport }) {
  if (report.recentFailures.length === 0) return <EmptyState title="No recent failures" />;
  return (
    <ul className="event-list" style={{ maxHeight: 320, padding: "0.25rem 1.25rem 1rem" }}>
      {report.recentFailures.map((f) => (
        <li key={`${f.kind}:${f.id}`} className="event event-error">
          <span className="event-time mono">{f.at ? timeAgo(f.at) : ""}</span>
          <span>
            <strong>
              {f.kind} {f.name ?? f.id}
            </strong>{" "}
            <span className="muted">
              {f.status}
              {f.reason && ` — ${f.reason}`}
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}

interface DeletedProps {
  items: DeletedItem[] | undefined;
  loading: boolean;
  error: unknown;
  pendingId: string | null;
  onRestore: (kind: RestorableKind, id: string) => void;
}

export function DeletedTable({ items, loading, error, pendingId, onRestore }: DeletedProps) {
  if (loading) return <Skeleton lines={2} />;
  if (error) return <ErrorState error={error} />;
  if (!items?.length)
    return (
      <EmptyState title="Nothing deleted recently">
        Deleted sessions, snapshots, templates and workspaces wait here until purged.
      </EmptyState>
    );
  return (
    <DataTable columns={["Kind", "Name", "Deleted", "Purged after"]} actions>
      {items.map((d) => (
        <tr key={`${d.kind}:${d.id}`}>
          <td>
            <Badge>{d.kind}</Badge>
          </td>
          <td>
            {d.name ?? "—"} <span className="mono small subtle">{d.id}</span>
          </td>
          <td className="small muted">{timeAgo(d.deletedAt)}</td>
          <td className="small muted">{formatDateTime(d.purgeAfter)}</td>
          <td>
            <button type="button" className="btn btn-sm" onClick={() => onRestore(d.kind, d.id)} disabled={pendingId !== null}>
              {pendingId === d.id && <span className="spinner" aria-hidden />}
              Restore
            </button>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
