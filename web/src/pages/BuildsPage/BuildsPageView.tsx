import type { Build } from "@burstflare/sdk/schemas/builds";
import { BUILD_STATES, type BuildState } from "@burstflare/sdk/states";
import { Link } from "react-router";
import { TableCard } from "../../components/DataTable";
import { HammerIcon } from "../../components/icons";
import { Page } from "../../components/PageHeader";
import { EmptyState, ErrorAlert, type QueryStatusProps } from "../../components/states";
import { timeAgo } from "../../components/time";
import { BuildStatusBadge, buildStateLabel } from "./BuildStatusBadge";

interface Props extends QueryStatusProps {
  builds: Build[] | undefined;
  status: BuildState | undefined;
  canRetry: boolean;
  retrying: string | null;
  retryError: string | null;
  onStatus: (status: BuildState | undefined) => void;
  onRetryBuild: (id: string) => void;
}

const RETRYABLE: readonly BuildState[] = ["failed", "dead_lettered"];

const TABLE = {
  testId: "builds-table",
  columns: ["Template", "Status", { label: "Attempts", hideSm: true }, { label: "Started", hideSm: true }],
  actions: true,
} as const;

export function BuildsPageView({ builds, status, canRetry, retrying, retryError, onStatus, onRetryBuild, ...list }: Props) {
  return (
    <Page gap="1rem" title="Builds" description="Every uploaded version is prebuilt in a fresh runtime; sessions start from the artifact.">
      <div className="segmented" role="tablist" aria-label="Filter by status" data-testid="build-filters">
        {[undefined, ...BUILD_STATES].map((s) => (
          <button
            key={s ?? "all"}
            type="button"
            role="tab"
            className="segmented-btn"
            aria-selected={status === s}
            onClick={() => onStatus(s)}
          >
            {s ? buildStateLabel(s) : "All"}
          </button>
        ))}
      </div>
      <ErrorAlert>{retryError}</ErrorAlert>
      <TableCard
        {...list}
        table={TABLE}
        skeletonLines={4}
        rows={builds}
        empty={<NoBuilds status={status} />}
        renderRow={(b) => (
          <BuildRow
            key={b.id}
            build={b}
            retrying={retrying === b.id}
            onRetry={canRetry && RETRYABLE.includes(b.status) ? () => onRetryBuild(b.id) : undefined}
          />
        )}
      />
    </Page>
  );
}

/** The empty table: under a status filter it names the state it found none in. */
function NoBuilds({ status }: { status: BuildState | undefined }) {
  return (
    <EmptyState icon={<HammerIcon size={32} />} title={status ? `No ${buildStateLabel(status).toLowerCase()} builds` : "No builds yet"}>
      Upload a template version to start a build.
    </EmptyState>
  );
}

/** One build; `onRetry` only when the viewer may retry it and its state allows it. */
function BuildRow({ build: b, retrying, onRetry }: { build: Build; retrying: boolean; onRetry?: () => void }) {
  return (
    <tr data-build={b.id}>
      <td>
        <Link to={`/builds/${b.id}`} className="strong-link">
          {b.templateName} <span className="mono">{b.version}</span>
        </Link>
        {b.error && <div className="small muted">{b.error}</div>}
      </td>
      <td>
        <BuildStatusBadge status={b.status} />
      </td>
      <td className="hide-sm muted">{b.attempts}</td>
      <td className="hide-sm muted">{timeAgo(b.startedAt ?? b.createdAt)}</td>
      <td style={{ textAlign: "right" }}>
        {onRetry && (
          <button type="button" className="btn btn-sm" disabled={retrying} onClick={onRetry}>
            Retry
          </button>
        )}
      </td>
    </tr>
  );
}
