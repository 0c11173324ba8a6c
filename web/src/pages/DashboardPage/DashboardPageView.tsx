import type { Session } from "@burstflare/sdk/schemas/sessions";
import type { PlanInfo } from "@burstflare/sdk/schemas/workspaces";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { Badge } from "../../components/Badge";
import { formatBytes } from "../../components/bytes";
import { ArrowRightIcon, CodeIcon, PlusIcon } from "../../components/icons";
import { PageHeader } from "../../components/PageHeader";
import { SessionStateBadge } from "../../components/SessionStateBadge";
import { EmptyState, Skeleton } from "../../components/states";
import { timeAgo } from "../../components/time";
import { DashboardListCard } from "./DashboardListCard";
import { FirstRunGuide } from "./FirstRunGuide";

interface Props {
  userName: string | null;
  sessions: { data: Session[] | undefined; loading: boolean; error: unknown; refetch: () => void };
  /** Workspace-wide counts (the list holds one page); null fields fall back to counting that page. */
  counts?: { running: number | null; total: number | null; sleeping: string | null };
  plan: PlanInfo | undefined;
  /** Snapshots across the listed sessions; null while loading. */
  snapshotCount: number | null;
  /** Viewers see the dashboard but cannot start sessions. */
  canCreate: boolean;
  firstRun: { busy: boolean; error: unknown; start: () => void };
  onNewSession: () => void;
  /** Live rows: each subscribes to its session's events while it is in motion. */
  renderSessionRow: (session: Session) => ReactNode;
  /** Cards fed by other areas' APIs: under the sessions (wide column) and under the quota. */
  mainCards?: ReactNode;
  sideCards?: ReactNode;
}

function Quota({ label, used, limit, format = String }: { label: string; used: number; limit: number; format?: (n: number) => string }) {
  const pct = limit > 0 ? Math.min(100, Math.round((used / limit) * 100)) : 0;
  return (
    <div className="quota" data-quota={label}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <span className="small">{label}</span>
        <span className="small muted">
          {format(used)} / {format(limit)}
        </span>
      </div>
      <div
        className={`meter${pct >= 90 ? " high" : ""}`}
        role="meter"
        aria-label={label}
        aria-valuenow={used}
        aria-valuemin={0}
        aria-valuemax={limit}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

const ORDER: Record<string, number> = { running: 0, starting: 1, stopping: 2, sleeping: 3, created: 4, failed: 5, stopped: 6 };

/** One number of the stats row, with what it counts. */
function Stat({ value, label, testId }: { value: ReactNode; label: string; testId?: string }) {
  return (
    <div className="card stat" data-testid={testId}>
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

export function DashboardPageView({
  userName,
  sessions,
  counts,
  plan,
  snapshotCount,
  canCreate,
  firstRun,
  onNewSession,
  renderSessionRow,
  mainCards,
  sideCards,
}: Props) {
  const list = sessions.data ?? [];
  const running = counts?.running ?? list.filter((s) => s.state === "running").length;
  const sleeping = counts?.sleeping ?? list.filter((s) => s.state === "sleeping").length;
  const total = counts?.total ?? list.length;
  const sorted = [...list].sort(
    (a, b) =>
      (ORDER[a.state] ?? 9) - (ORDER[b.state] ?? 9) ||
      Date.parse(b.lastActiveAt ?? b.updatedAt) - Date.parse(a.lastActiveAt ?? a.updatedAt),
  );
  const firstTime = canCreate && !sessions.loading && !sessions.error && list.length === 0;

  return (
    <div className="stack" data-testid="dashboard">
      <PageHeader
        title={userName ? `Welcome back, ${userName}` : "Dashboard"}
        description="Your sessions, templates and builds at a glance."
        style={{ marginBottom: 0 }}
      >
        {!firstTime && canCreate && (
          <button type="button" className="btn btn-primary" onClick={onNewSession}>
            <PlusIcon /> New session
          </button>
        )}
      </PageHeader>

      {firstTime && <FirstRunGuide busy={firstRun.busy} error={firstRun.error} onStart={firstRun.start} />}

      <div className="grid grid-4">
        <Stat
          testId="stat-running"
          value={sessions.loading ? "–" : running}
          label={`Running sessions${plan ? ` of ${plan.limits.runningSessions}` : ""}`}
        />
        <Stat value={sessions.loading ? "–" : sleeping} label="Sleeping" />
        <Stat value={sessions.loading ? "–" : total} label={`Sessions${plan ? ` of ${plan.limits.totalSessions}` : ""}`} />
        <Stat value={snapshotCount ?? "–"} label={`Snapshots${plan ? ` · ${formatBytes(plan.usage.snapshotBytes)} stored` : ""}`} />
      </div>

      <div className="dashboard-grid">
        <div className="stack">
          <DashboardListCard
            area="/sessions"
            loading={sessions.loading}
            error={sessions.error}
            onRetry={sessions.refetch}
            skeletonLines={3}
            rows={sorted}
            limit={8}
            listTestId="dashboard-sessions"
            empty={
              <EmptyState icon={<CodeIcon size={28} />} title="No sessions yet">
                Start one from the guide above.
              </EmptyState>
            }
            renderRow={(s) => <li key={s.id}>{renderSessionRow(s)}</li>}
          />
          {mainCards}
        </div>

        <div className="stack">
          <section className="card">
            <div className="card-header">
              <h2>Quota</h2>
              <Link to="/workspace/usage" className="btn btn-ghost btn-sm">
                Usage <ArrowRightIcon size={13} />
              </Link>
            </div>
            {plan ? (
              <div className="stack" style={{ gap: "0.75rem" }} data-testid="quota">
                <Badge tone="accent" style={{ alignSelf: "flex-start" }}>
                  {plan.plan} plan
                </Badge>
                <Quota label="Running sessions" used={plan.usage.runningSessions} limit={plan.limits.runningSessions} />
                <Quota label="Sessions" used={plan.usage.totalSessions} limit={plan.limits.totalSessions} />
                <Quota label="Templates" used={plan.usage.templates} limit={plan.limits.templates} />
                <Quota label="Snapshot storage" used={plan.usage.snapshotBytes} limit={plan.limits.snapshotBytes} format={formatBytes} />
                <Quota label="Build minutes" used={plan.usage.buildMinutes} limit={plan.limits.buildMinutes} />
              </div>
            ) : (
              <Skeleton lines={4} height={14} />
            )}
          </section>
          {sideCards}
        </div>
      </div>
    </div>
  );
}

/** One session line on the dashboard: name, state, when, and a jump into the workbench. */
export function DashboardSessionRow({ session }: { session: Session }) {
  return (
    <div className="session-row" data-session={session.name}>
      <Link to={`/sessions/${session.id}`} className="session-row-main">
        <span className="mono strong-link">{session.name}</span>
        <span className="small subtle">
          {session.state === "running" || session.state === "sleeping" ? "active" : "updated"}{" "}
          {timeAgo(session.lastActiveAt ?? session.updatedAt)}
        </span>
      </Link>
      <SessionStateBadge state={session.state} />
      <Link to={`/sessions/${session.id}/workbench`} className="btn btn-sm">
        <CodeIcon size={13} /> Open
      </Link>
    </div>
  );
}
