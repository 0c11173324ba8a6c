import { Link } from "react-router";
import type { AdminReport, DeadLetteredBuild } from "../../api/queries/admin";
import { HammerIcon, RefreshIcon, ShieldIcon } from "../../components/icons";
import { describeError, EmptyState, ErrorState, Skeleton } from "../../components/states";
import { timeAgo } from "../../components/time";

interface Props {
  isOperator: boolean;
  meLoading: boolean;
  report: { data: AdminReport | undefined; loading: boolean; error: unknown; refetch: () => void };
  deadLettered: { data: DeadLetteredBuild[] | undefined; loading: boolean; error: unknown };
  retry: { pendingId: string | null; error: unknown; run: (id: string) => void };
  retryAll: { pending: boolean; error: unknown; run: () => void };
  reconcile: { pending: boolean; error: unknown; result: Record<string, unknown> | undefined; run: () => void };
}

const HEADLINE: { key: keyof AdminReport & string; label: string; bad?: boolean }[] = [
  { key: "buildsDeadLettered", label: "Dead-lettered builds", bad: true },
  { key: "buildsStuck", label: "Stuck builds", bad: true },
  { key: "sessionsSleeping", label: "Sleeping sessions" },
  { key: "activeUploadGrants", label: "Active upload grants" },
];

/** Flattens the report's other numbers (totals and the like) into label → value rows. */
function otherFigures(report: AdminReport): [string, string][] {
  const rows: [string, string][] = [];
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") rows.push([prefix, String(value)]);
    else if (value && typeof value === "object" && !Array.isArray(value))
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
  };
  for (const [k, v] of Object.entries(report)) if (!HEADLINE.some((h) => h.key === k)) walk(k, v);
  return rows;
}

export function AdminPageView({ isOperator, meLoading, report, deadLettered, retry, retryAll, reconcile }: Props) {
  if (meLoading) return <Skeleton lines={4} />;
  if (!isOperator)
    return (
      <EmptyState icon={<ShieldIcon size={32} />} title="Operators only">
        This page is for the people who run this BurstFlare installation.
      </EmptyState>
    );

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Operator</h1>
          <p className="muted">Platform health across every workspace: builds, sessions, uploads and reconciliation.</p>
        </div>
        <div className="row">
          <button type="button" className="btn" onClick={report.refetch}>
            <RefreshIcon size={14} /> Refresh
          </button>
          <button
            type="button"
            className="btn btn-primary"
            onClick={reconcile.run}
            disabled={reconcile.pending}
            data-testid="reconcile-now"
          >
            {reconcile.pending && <span className="spinner" aria-hidden />}
            Reconcile now
          </button>
        </div>
      </div>

      {reconcile.error ? <ErrorState error={reconcile.error} /> : null}
      {reconcile.result && (
        <div className="alert alert-info" role="status">
          Reconcile finished:{" "}
          {Object.entries(reconcile.result)
            .map(([k, v]) => `${k} ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
            .join(" · ")}
        </div>
      )}

      {report.loading ? (
        <Skeleton lines={3} height={60} />
      ) : report.error ? (
        <ErrorState error={report.error} onRetry={report.refetch} />
      ) : report.data ? (
        <>
          <div className="grid grid-4" data-testid="admin-report">
            {HEADLINE.map((h) => {
              const value = report.data?.[h.key];
              const alarming = h.bad && typeof value === "number" && value > 0;
              return (
                <div key={h.key} className="card stat" data-figure={h.key}>
                  <span className="stat-value" style={alarming ? { color: "var(--bad)" } : undefined}>
                    {typeof value === "number" ? value : "—"}
                  </span>
                  <span className="stat-label">{h.label}</span>
                </div>
              );
            })}
          </div>
          {otherFigures(report.data).length > 0 && (
            <section className="card">
              <div className="card-header">
                <h2>Totals</h2>
              </div>
              <dl className="kv">
                {otherFigures(report.data).map(([k, v]) => (
                  <div key={k} style={{ display: "contents" }}>
                    <dt className="mono small">{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              </dl>
            </section>
          )}
        </>
      ) : null}

      <section className="card" style={{ padding: 0 }}>
        <div className="card-header" style={{ padding: "1rem 1.25rem 0" }}>
          <h2>
            <HammerIcon size={16} /> Dead-lettered builds
          </h2>
          <button
            type="button"
            className="btn btn-sm"
            onClick={retryAll.run}
            disabled={retryAll.pending || !deadLettered.data?.length}
            data-testid="retry-all-dead-lettered"
          >
            {retryAll.pending && <span className="spinner" aria-hidden />}
            Retry all
          </button>
        </div>
        {retryAll.error || retry.error ? (
          <div style={{ padding: "0 1.25rem" }}>
            <ErrorState error={retryAll.error ?? retry.error} />
          </div>
        ) : null}
        {deadLettered.loading ? (
          <div style={{ padding: "1.25rem" }}>
            <Skeleton lines={2} />
          </div>
        ) : deadLettered.error ? (
          <div style={{ padding: "1rem 1.25rem" }}>
            <ErrorState error={deadLettered.error} />
          </div>
        ) : !deadLettered.data?.length ? (
          <EmptyState title="No dead-lettered builds">Builds that exhaust their retries land here.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Build</th>
                  <th>Template</th>
                  <th>Error</th>
                  <th>Updated</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {deadLettered.data.map((b) => (
                  <tr key={b.id}>
                    <td className="mono small">
                      <Link to={`/builds/${b.id}`}>{b.id}</Link>
                    </td>
                    <td>
                      {b.templateName}
                      <span className="muted"> @ {b.version}</span>
                    </td>
                    <td className="small muted" style={{ maxWidth: 320 }}>
                      {b.error ?? "—"}
                      <div className="subtle">{b.attempts} attempts</div>
                    </td>
                    <td className="muted small">{timeAgo(b.updatedAt)}</td>
                    <td>
                      <button type="button" className="btn btn-sm" onClick={() => retry.run(b.id)} disabled={retry.pendingId === b.id}>
                        {retry.pendingId === b.id && <span className="spinner" aria-hidden />}
                        Retry
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {report.error instanceof Error && describeError(report.error).title === "Not found" && (
        <p className="small subtle">The operator API is not deployed on this installation yet.</p>
      )}
    </div>
  );
}
