import type { AdminReport, DeletedItem, ReconcileResult, RestorableKind } from "@burstflare/sdk/schemas/admin";
import { HammerIcon, RefreshIcon, ShieldIcon, TrashIcon } from "../../components/icons";
import { PageHeader } from "../../components/PageHeader";
import { EmptyState, ErrorState, Skeleton } from "../../components/states";
import { DeadLetteredTable, DeletedTable, FleetCard, PolicyCard, RecentFailures, ReconcileResultCard } from "./AdminSections";

interface Props {
  isOperator: boolean;
  meLoading: boolean;
  report: { data: AdminReport | undefined; loading: boolean; error: unknown; refetch: () => void };
  deleted: { data: DeletedItem[] | undefined; loading: boolean; error: unknown };
  retry: { pendingId: string | null; error: unknown; run: (id: string) => void };
  retryAll: { pending: boolean; error: unknown; result: { count: number } | undefined; run: () => void };
  reconcile: { pending: "preview" | "run" | null; error: unknown; result: ReconcileResult | undefined; run: (preview: boolean) => void };
  restore: { pendingId: string | null; error: unknown; run: (kind: RestorableKind, id: string) => void };
}

const HEADLINE = [
  { key: "buildsDeadLettered", label: "Dead-lettered builds", alarm: true },
  { key: "buildsStuck", label: "Stuck builds", alarm: true },
  { key: "sessionsFailed", label: "Failed sessions", alarm: true },
  { key: "sessionsRunning", label: "Running sessions" },
  { key: "sessionsSleeping", label: "Sleeping sessions" },
  { key: "activeUploadGrants", label: "Active upload grants" },
] as const;

/** The operator's page: fleet health, dead-lettered builds with retry, reconcile (preview or run), restores. */
export function AdminPageView({ isOperator, meLoading, report, deleted, retry, retryAll, reconcile, restore }: Props) {
  if (meLoading) return <Skeleton lines={4} />;
  if (!isOperator)
    return (
      <EmptyState icon={<ShieldIcon size={32} />} title="Operators only">
        This page is for the people who run this BurstFlare installation.
      </EmptyState>
    );
  const data = report.data;

  return (
    <div className="stack">
      <PageHeader
        title="Operator"
        description="Fleet health across every workspace: builds, sessions, uploads, reconciliation and restores."
      >
        <div className="row">
          <button type="button" className="btn" onClick={report.refetch}>
            <RefreshIcon size={14} /> Refresh
          </button>
          <button type="button" className="btn" onClick={() => reconcile.run(true)} disabled={reconcile.pending !== null}>
            {reconcile.pending === "preview" && <span className="spinner" aria-hidden />}
            Preview reconcile
          </button>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => reconcile.run(false)}
            disabled={reconcile.pending !== null}
            data-testid="reconcile-now"
          >
            {reconcile.pending === "run" && <span className="spinner" aria-hidden />}
            Reconcile now
          </button>
        </div>
      </PageHeader>

      {reconcile.error ? <ErrorState error={reconcile.error} /> : null}
      {reconcile.result && <ReconcileResultCard result={reconcile.result} />}

      {report.loading ? (
        <Skeleton lines={3} height={60} />
      ) : report.error ? (
        <ErrorState error={report.error} onRetry={report.refetch} />
      ) : data ? (
        <>
          <div className="grid grid-4" data-testid="admin-report">
            {HEADLINE.map((h) => {
              const value = data[h.key];
              return (
                <div key={h.key} className="card stat" data-figure={h.key}>
                  <span className="stat-value" style={"alarm" in h && value > 0 ? { color: "var(--bad)" } : undefined}>
                    {value.toLocaleString()}
                  </span>
                  <span className="stat-label">{h.label}</span>
                </div>
              );
            })}
          </div>

          <section className="card" style={{ padding: 0 }}>
            <div className="card-header" style={{ padding: "1rem 1.25rem 0" }}>
              <h2>
                <HammerIcon size={16} /> Dead-lettered builds
              </h2>
              <button
                type="button"
                className="btn btn-sm"
                onClick={retryAll.run}
                disabled={retryAll.pending || data.deadLetteredBuilds.length === 0}
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
            {retryAll.result && (
              <p className="small muted" role="status" style={{ padding: "0 1.25rem" }}>
                {retryAll.result.count} builds queued again.
              </p>
            )}
            <DeadLetteredTable builds={data.deadLetteredBuilds} pendingId={retry.pendingId} onRetry={retry.run} />
          </section>

          <div className="grid grid-2">
            <FleetCard report={data} />
            <PolicyCard report={data} />
          </div>

          <section className="card" style={{ padding: 0 }}>
            <div className="card-header" style={{ padding: "1rem 1.25rem 0" }}>
              <h2>Recent failures</h2>
            </div>
            <RecentFailures report={data} />
          </section>
        </>
      ) : null}

      <section className="card" style={{ padding: 0 }}>
        <div className="card-header" style={{ padding: "1rem 1.25rem 0" }}>
          <h2>
            <TrashIcon size={16} /> Deleted, still restorable
          </h2>
        </div>
        {restore.error ? (
          <div style={{ padding: "0 1.25rem" }}>
            <ErrorState error={restore.error} />
          </div>
        ) : null}
        <DeletedTable
          items={deleted.data}
          loading={deleted.loading}
          error={deleted.error}
          pendingId={restore.pendingId}
          onRestore={restore.run}
        />
      </section>
    </div>
  );
}
