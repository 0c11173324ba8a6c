import type { Session } from "@burstflare/sdk/schemas/sessions";
import { SESSION_STATES } from "@burstflare/sdk/states";
import { Link } from "react-router";
import type { SessionListFilters } from "../../api/queries/sessions";
import { LoadMore, TableCard } from "../../components/DataTable";
import { CodeIcon, PlusIcon, ServerIcon } from "../../components/icons";
import { Select } from "../../components/Select";
import { SessionControls } from "../../components/SessionControls";
import { SessionStateBadge } from "../../components/SessionStateBadge";
import { EmptyState, type QueryStatusProps } from "../../components/states";
import { timeAgo } from "../../components/time";

interface Props extends QueryStatusProps {
  sessions: Session[] | undefined;
  templateNames: Record<string, string>;
  canCreate: boolean;
  /** Start/stop/restart/delete; hidden for roles the permission table refuses. */
  canLifecycle?: boolean;
  onNew: () => void;
  /** Server-side filters (state, name search) and the next page, when the page wires them. */
  filters?: SessionListFilters;
  onFilters?: (filters: SessionListFilters) => void;
  more?: { has: boolean; loading: boolean; load: () => void };
}

const TABLE = {
  testId: "sessions-table",
  columns: ["Name", "State", { label: "Template", hideSm: true }, { label: "Last active", hideSm: true }],
  actions: true,
} as const;

export function SessionsPageView({
  sessions,
  templateNames,
  canCreate,
  canLifecycle = true,
  onNew,
  filters = {},
  onFilters,
  more,
  ...list
}: Props) {
  const filtered = Boolean(filters.state || filters.q);
  return (
    <div>
      <div className="page-header">
        <div>
          <h1>Sessions</h1>
          <p className="muted">Isolated dev environments. They sleep when idle and wake where you left off.</p>
        </div>
        {canCreate && (
          <button type="button" className="btn btn-primary" onClick={onNew}>
            <PlusIcon /> New session
          </button>
        )}
      </div>
      {onFilters && (
        <div className="row" style={{ marginBottom: 12, gap: 8 }}>
          <input
            className="input"
            type="search"
            aria-label="Search sessions by name"
            placeholder="Search by name"
            value={filters.q ?? ""}
            onChange={(e) => onFilters({ ...filters, q: e.target.value.toLowerCase().replace(/[^a-z0-9-]/g, "") || undefined })}
          />
          <Select
            label="Filter by state"
            value={filters.state ?? ""}
            onValue={(state) => onFilters({ ...filters, state: state || undefined })}
            none="All states"
            options={SESSION_STATES.filter((s) => s !== "deleted")}
          />
        </div>
      )}
      <TableCard
        {...list}
        table={TABLE}
        skeletonLines={4}
        rows={sessions}
        empty={<NoSessions filtered={filtered} onNew={canCreate ? onNew : undefined} />}
        renderRow={(s) => <SessionRow key={s.id} session={s} templateNames={templateNames} canLifecycle={canLifecycle} />}
      >
        {more?.has && (
          <LoadMore loading={more.loading} onMore={more.load} testId="sessions-more">
            Load more
          </LoadMore>
        )}
      </TableCard>
    </div>
  );
}

/** The empty table; `onNew` (for those who may create) offers the first session when no filter is on. */
function NoSessions({ filtered, onNew }: { filtered: boolean; onNew?: () => void }) {
  return (
    <EmptyState
      icon={<ServerIcon size={32} />}
      title={filtered ? "No sessions match" : "No sessions yet"}
      action={
        onNew &&
        !filtered && (
          <button type="button" className="btn btn-primary" onClick={onNew}>
            <PlusIcon /> Create your first session
          </button>
        )
      }
    >
      A session is a full Linux environment with a terminal, an editor and a live preview.
    </EmptyState>
  );
}

/** One session: its name, state, template and last activity, then Open and the lifecycle controls. */
function SessionRow({
  session: s,
  templateNames,
  canLifecycle,
}: {
  session: Session;
  templateNames: Record<string, string>;
  canLifecycle: boolean;
}) {
  return (
    <tr data-session={s.name}>
      <td>
        <Link to={`/sessions/${s.id}`} className="strong-link">
          {s.name}
        </Link>
      </td>
      <td>
        <SessionStateBadge state={s.state} />
      </td>
      <td className="hide-sm muted">{s.templateId ? (templateNames[s.templateId] ?? "template") : "Starter"}</td>
      <td className="hide-sm muted">{timeAgo(s.lastActiveAt ?? s.updatedAt)}</td>
      <td>
        <div className="row" style={{ justifyContent: "flex-end", flexWrap: "nowrap" }}>
          <Link to={`/sessions/${s.id}/workbench`} className="btn btn-sm" title="Open the workbench">
            <CodeIcon size={14} /> Open
          </Link>
          <SessionControls session={s} compact canLifecycle={canLifecycle} />
        </div>
      </td>
    </tr>
  );
}
