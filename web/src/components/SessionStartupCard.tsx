import type { LatencySummary } from "@burstflare/sdk/schemas/metrics";
import type { Session } from "@burstflare/sdk/schemas/sessions";
import { useQuery } from "@tanstack/react-query";
import { latencyQuery, useSetStartOnIntent } from "../api/queries/shares";
import { DotfilesRun } from "./DotfilesRun";
import { BoltIcon } from "./icons";
import { describeError, ErrorAlert } from "./states";

const seconds = (ms: number | null) => (ms === null ? "—" : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

function LatencyRow({ label, s, testId }: { label: string; s: LatencySummary; testId: string }) {
  return (
    <tr data-testid={testId}>
      <td>{label}</td>
      <td className="mono" data-field="p50">
        {seconds(s.p50Ms)}
      </td>
      <td className="mono" data-field="p95">
        {seconds(s.p95Ms)}
      </td>
      <td className="mono">
        {s.count}
        {s.failed > 0 && <span className="muted"> (+{s.failed} failed)</span>}
      </td>
    </tr>
  );
}

/**
 * Start on intent (wake this session in the background when its user opens the dashboard, its
 * workbench or `flare ssh`) and the measured start/wake latency over the last day.
 */
export function SessionStartupCard({ session, canEdit }: { session: Session; canEdit: boolean }) {
  const latency = useQuery(latencyQuery(session.id));
  const toggle = useSetStartOnIntent(session.id);
  const checked = toggle.isPending && toggle.variables !== undefined ? toggle.variables : session.startOnIntent;
  const ws = latency.data?.workspace;
  const mine = latency.data?.session;
  return (
    <section className="card" data-testid="session-startup">
      <div className="card-header">
        <h2>Startup</h2>
      </div>
      <label className="row" style={{ gap: "0.5rem", alignItems: "flex-start" }}>
        <input
          type="checkbox"
          checked={checked}
          disabled={!canEdit || toggle.isPending}
          onChange={(e) => toggle.mutate(e.target.checked)}
          data-testid="start-on-intent"
        />
        <span>
          <span className="row" style={{ gap: "0.35rem" }}>
            <BoltIcon size={14} /> <strong>Start on intent</strong>
          </span>
          <span className="muted small">
            When you open the dashboard, this workbench or run <code>flare ssh</code>, a sleeping session starts waking in the background
            (within your quota), so the shell is ready sooner.
          </span>
        </span>
      </label>
      <ErrorAlert>{toggle.isError && describeError(toggle.error).detail}</ErrorAlert>
      <h3 className="small" style={{ margin: "1rem 0 0.25rem" }}>
        Start and wake latency, last 24 hours
      </h3>
      {latency.isPending ? (
        <p className="muted small">Loading…</p>
      ) : !ws || !mine ? (
        <p className="muted small">Not available.</p>
      ) : (
        <>
          <table className="table" data-testid="latency-table">
            <thead>
              <tr>
                <th />
                <th>p50</th>
                <th>p95</th>
                <th>count</th>
              </tr>
            </thead>
            <tbody>
              <LatencyRow label="This session: start" s={mine.start} testId="latency-session-start" />
              <LatencyRow label="This session: wake" s={mine.wake} testId="latency-session-wake" />
              <LatencyRow label="Workspace: start" s={ws.start} testId="latency-workspace-start" />
              <LatencyRow label="Workspace: wake" s={ws.wake} testId="latency-workspace-wake" />
            </tbody>
          </table>
          {mine.intent.connected > 0 && (
            <p className="muted small" data-testid="intent-saved">
              Start on intent saved a median {seconds(mine.intent.medianSavedMs)} of waiting over {mine.intent.connected} connect
              {mine.intent.connected === 1 ? "" : "s"}.
            </p>
          )}
        </>
      )}
      <DotfilesRun sessionId={session.id} />
    </section>
  );
}
