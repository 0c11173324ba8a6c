import type { PlanInfo, QuotaLimit, Usage } from "@burstflare/sdk/schemas/workspaces";
import { PLANS, type Plan } from "@burstflare/sdk/schemas/workspaces";
import { Badge } from "../../components/Badge";
import { Page } from "../../components/PageHeader";
import { ErrorState, Skeleton } from "../../components/states";
import { UsageChart } from "./UsageChart";
import {
  buildMinutesCumulative,
  formatBytes,
  formatHours,
  formatMinutes,
  perUserTotals,
  runtimeHoursSeries,
  storageSeries,
} from "./usage-series";
import "./UsageChart.css";
import { DataTable } from "../../components/DataTable";

interface Props {
  plan: PlanInfo | undefined;
  usage: Usage | undefined;
  loading: boolean;
  error: unknown;
  days: number;
  onDays: (days: number) => void;
  canChangePlan: boolean;
  changePlan: { run: (plan: Plan) => void; pending: boolean; error: unknown };
}

const LIMITS: { key: QuotaLimit; label: string; format: (n: number) => string }[] = [
  { key: "runningSessions", label: "Running sessions", format: String },
  { key: "totalSessions", label: "Sessions", format: String },
  { key: "templates", label: "Templates", format: String },
  { key: "snapshotBytes", label: "Snapshot storage", format: formatBytes },
  { key: "buildMinutes", label: "Build minutes this month", format: (n) => formatMinutes(n) },
  { key: "activeBuilds", label: "Builds queued or running", format: String },
  { key: "templateBytes", label: "Template storage", format: formatBytes },
];

const DAY_CHOICES = [7, 30, 90];

export function UsagePageView({ plan, usage, loading, error, days, onDays, canChangePlan, changePlan }: Props) {
  if (loading) return <Skeleton lines={6} />;
  if (error || !plan || !usage) return <ErrorState error={error ?? new Error("no data")} />;
  const users = perUserTotals(usage);

  return (
    <Page title="Plan and usage" description="What this workspace uses, per day and per person, against its plan's limits.">
      <section className="card">
        <div className="row" style={{ justifyContent: "space-between", alignItems: "center" }}>
          <h2 style={{ margin: 0 }}>
            Plan: <span data-testid="plan-name">{plan.plan}</span>
          </h2>
          {canChangePlan && (
            <label className="row" style={{ gap: 8 }}>
              <span className="small muted">Change plan</span>
              <select
                className="select"
                value={plan.plan}
                disabled={changePlan.pending}
                onChange={(e) => changePlan.run(e.target.value as Plan)}
                data-testid="plan-select"
              >
                {PLANS.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        {changePlan.error ? <ErrorState error={changePlan.error} /> : null}
        <div className="grid grid-4" style={{ marginTop: "1rem" }} data-testid="quota-meters">
          {LIMITS.map(({ key, label, format }) => {
            const used = plan.usage[key];
            const max = plan.limits[key];
            const pct = max > 0 ? Math.min(100, (used / max) * 100) : 100;
            return (
              <div key={key} className="stat" data-limit={key}>
                <span className="stat-label">
                  {label}
                  {plan.overrides[key] !== undefined && <Badge tone="info">override</Badge>}
                </span>
                <span className="stat-value" style={{ fontSize: "1.15rem" }}>
                  {format(used)} <span className="muted small">/ {format(max)}</span>
                </span>
                <div
                  className={`meter${pct >= 90 ? " high" : ""}`}
                  role="meter"
                  aria-label={label}
                  aria-valuemin={0}
                  aria-valuemax={max}
                  aria-valuenow={used}
                >
                  <span style={{ width: `${pct}%` }} />
                </div>
              </div>
            );
          })}
        </div>
      </section>

      <section className="card stack" style={{ gap: "1.5rem" }}>
        <div className="row" style={{ justifyContent: "space-between" }}>
          <h2 style={{ margin: 0 }}>Over time</h2>
          <div className="segmented" role="group" aria-label="Time range">
            {DAY_CHOICES.map((d) => (
              <button
                key={d}
                type="button"
                className={`segmented-btn${d === days ? " active" : ""}`}
                aria-pressed={d === days}
                onClick={() => onDays(d)}
              >
                {d} days
              </button>
            ))}
          </div>
        </div>
        <UsageChart
          title="Build minutes (running monthly total)"
          points={buildMinutesCumulative(usage)}
          quota={usage.limits.buildMinutes}
          quotaLabel="monthly quota"
          format={formatMinutes}
          testId="chart-build-minutes"
        />
        <UsageChart
          title="Snapshot storage"
          points={storageSeries(usage)}
          quota={usage.limits.snapshotBytes}
          format={formatBytes}
          testId="chart-storage"
        />
        <UsageChart
          title="Runtime hours per day"
          points={runtimeHoursSeries(usage)}
          format={formatHours}
          kind="bars"
          testId="chart-runtime"
        />
      </section>

      <section className="card" style={{ padding: 0 }}>
        <div className="card-header" style={{ padding: "1rem 1.25rem 0" }}>
          <h2>By person, last {days} days</h2>
        </div>
        {users.length === 0 ? (
          <p className="muted" style={{ padding: "0 1.25rem 1.25rem" }}>
            No usage recorded in this period.
          </p>
        ) : (
          <DataTable testId="usage-by-user" columns={["Person", "Runtime", "Build minutes", "Snapshot storage"]}>
            {users.map((u) => (
              <tr key={u.userId}>
                <td>{u.email ?? u.userId}</td>
                <td>{formatHours(u.runtimeSeconds / 3600)}</td>
                <td>{formatMinutes(u.buildSeconds / 60)}</td>
                <td>{formatBytes(u.snapshotBytes)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </Page>
  );
}
