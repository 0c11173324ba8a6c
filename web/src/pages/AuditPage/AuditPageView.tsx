import type { AuditEntry, Member } from "@burstflare/sdk/schemas/workspaces";
import { type FormEvent, useState } from "react";
import type { AuditFilters } from "../../api/queries/audit";
import { LoadMore, TableCard } from "../../components/DataTable";
import { FormField } from "../../components/FormField";
import { ShieldIcon } from "../../components/icons";
import { Page } from "../../components/PageHeader";
import { Select } from "../../components/Select";
import { EmptyState } from "../../components/states";
import { TextInput } from "../../components/TextInput";

interface Props {
  entries: AuditEntry[] | undefined;
  loading: boolean;
  error: unknown;
  members: Member[] | undefined;
  filters: AuditFilters;
  onFilters: (f: AuditFilters) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onMore: () => void;
}

/** yyyy-mm-dd from a date input → epoch ms at the start of that local day. */
const dayStart = (value: string): number | undefined => (value ? new Date(`${value}T00:00:00`).getTime() : undefined);
const dayValue = (ms: number | undefined): string => {
  if (ms === undefined) return "";
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

function summary(details: unknown): string {
  if (details == null) return "";
  if (typeof details !== "object") return String(details);
  return Object.entries(details as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}

const TABLE = { testId: "audit-table", columns: ["When", "Actor", "Action", "Target", { label: "Details", hideSm: true }] } as const;

export function AuditPageView(p: Props) {
  const [action, setAction] = useState(p.filters.action ?? "");
  const [actor, setActor] = useState(p.filters.actor ?? "");
  const [target, setTarget] = useState(p.filters.target ?? "");
  const [since, setSince] = useState(dayValue(p.filters.since));
  const [until, setUntil] = useState(dayValue(p.filters.until === undefined ? undefined : p.filters.until - 86_400_000));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const untilStart = dayStart(until);
    p.onFilters({
      action: action.trim() || undefined,
      actor: actor || undefined,
      target: target.trim() || undefined,
      since: dayStart(since),
      // The "until" day is included: stop at the start of the next day.
      until: untilStart === undefined ? undefined : untilStart + 86_400_000,
    });
  };

  return (
    <Page title="Audit log" description="Every high-value action in this workspace: who, what, on which target, and when.">
      <form className="card row" style={{ alignItems: "flex-end" }} onSubmit={apply} data-testid="audit-filters">
        <FormField label="Action starts with" style={{ flex: 1, minWidth: 160 }}>
          <TextInput placeholder="session." value={action} onValue={setAction} maxLength={100} />
        </FormField>
        <FormField label="Actor" style={{ minWidth: 160 }}>
          <Select
            value={actor}
            onValue={setActor}
            none="Anyone"
            options={(p.members ?? []).map((m) => ({ value: m.userId, label: m.email }))}
          />
        </FormField>
        <FormField label="Target (id or type)" style={{ flex: 1, minWidth: 140 }}>
          <TextInput value={target} onValue={setTarget} maxLength={128} />
        </FormField>
        <FormField label="From">
          <TextInput type="date" value={since} onValue={setSince} />
        </FormField>
        <FormField label="To">
          <TextInput type="date" value={until} onValue={setUntil} />
        </FormField>
        <button type="submit" className="btn btn-primary">
          Filter
        </button>
      </form>

      <TableCard
        loading={p.loading}
        error={p.error}
        table={TABLE}
        skeletonLines={6}
        rows={p.entries}
        empty={<EmptyState icon={<ShieldIcon size={28} />} title="No matching entries" />}
        footer={
          p.hasMore && (
            <LoadMore loading={p.loadingMore} onMore={p.onMore} testId="audit-more">
              Load older entries
            </LoadMore>
          )
        }
        renderRow={(e) => (
          <tr key={e.id} data-action={e.action}>
            <td className="muted" title={e.createdAt}>
              {new Date(e.createdAt).toLocaleString()}
            </td>
            <td>{e.actorEmail ?? e.actorId ?? <span className="muted">system</span>}</td>
            <td className="mono">{e.action}</td>
            <td className="small">
              {e.targetType && <span className="muted">{e.targetType} </span>}
              <span className="mono">{e.targetId}</span>
            </td>
            <td className="hide-sm small muted" style={{ maxWidth: 360, overflowWrap: "anywhere" }}>
              {summary(e.details)}
            </td>
          </tr>
        )}
      />
    </Page>
  );
}
