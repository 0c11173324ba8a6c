import type { Build } from "@burstflare/sdk/schemas/builds";
import type { Template } from "@burstflare/sdk/schemas/templates";
import { Link } from "react-router";
import { Badge } from "../../components/Badge";
import { PlayIcon } from "../../components/icons";
import { EmptyState } from "../../components/states";
import { timeAgo } from "../../components/time";
import { BUILD_TONE } from "../BuildsPage/BuildStatusBadge";
import { DashboardListCard } from "./DashboardListCard";

interface TemplatesProps {
  templates: Template[] | undefined;
  loading: boolean;
  error: unknown;
  canStart: boolean;
  starting: string | null;
  onStart: (template: Template) => void;
}

/** Templates ready to start from; one click makes a session and opens it. */
export function TemplatesCard({ templates, loading, error, canStart, starting, onStart }: TemplatesProps) {
  const usable = (templates ?? []).filter((t) => !t.archived && t.activeVersionId);
  return (
    <DashboardListCard
      testId="dashboard-templates"
      area="/templates"
      loading={loading}
      error={error}
      rows={usable}
      empty={
        <EmptyState title="No templates yet">
          <Link to="/templates">Create one</Link> from a folder of files and a manifest.
        </EmptyState>
      }
      renderRow={(t) => (
        <li key={t.id} className="session-row">
          <Link to={`/templates/${t.id}`} className="session-row-main">
            <span className="strong-link">
              {t.name} {t.builtin && <Badge>built in</Badge>}
            </span>
            <span className="small subtle">
              {t.activeVersion ? `v${t.activeVersion}` : ""}
              {t.previewPort ? ` · preview :${t.previewPort}` : ""}
            </span>
          </Link>
          {canStart && (
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => onStart(t)}
              disabled={starting !== null}
              title={`New session from ${t.name}`}
            >
              {starting === t.id ? <span className="spinner" aria-hidden /> : <PlayIcon size={12} />} Start
            </button>
          )}
        </li>
      )}
    />
  );
}

/** The latest builds across the workspace's templates. */
export function BuildsCard({ builds, loading, error }: { builds: Build[] | undefined; loading: boolean; error: unknown }) {
  return (
    <DashboardListCard
      testId="dashboard-builds"
      area="/builds"
      title="Recent builds"
      loading={loading}
      error={error}
      rows={builds}
      empty={<EmptyState title="No builds yet">Uploading a template version starts one.</EmptyState>}
      renderRow={(b) => (
        <li key={b.id}>
          <Link to={`/builds/${b.id}`} className="session-row" style={{ textDecoration: "none" }}>
            <span className="session-row-main">
              <span className="strong-link">
                {b.templateName} <span className="muted">v{b.version}</span>
              </span>
              <span className="small subtle">{timeAgo(b.updatedAt)}</span>
            </span>
            <Badge tone={BUILD_TONE[b.status]}>{b.status.replace("_", " ")}</Badge>
          </Link>
        </li>
      )}
    />
  );
}
