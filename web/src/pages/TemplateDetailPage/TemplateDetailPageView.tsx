import type { TemplateDetail, TemplateVersion } from "@burstflare/sdk/schemas/templates";
import { BUILD_STATES } from "@burstflare/sdk/states";
import { Link } from "react-router";
import { Badge } from "../../components/Badge";
import { formatBytes } from "../../components/bytes";
import { ArrowLeftIcon, RestartIcon, TrashIcon } from "../../components/icons";
import { ErrorAlert, ErrorState, Skeleton } from "../../components/states";
import { formatDateTime, timeAgo } from "../../components/time";
import { BuildStatusBadge, buildStateLabel } from "../BuildsPage/BuildStatusBadge";
import "../TemplatesPage/templates.css";
import { DataTable } from "../../components/DataTable";
import { VersionImportNote } from "./DevcontainerImport";

export type TemplateAction =
  | { kind: "promote"; version: TemplateVersion }
  | { kind: "delete-version"; version: TemplateVersion }
  | { kind: "rollback" }
  | { kind: "archive" }
  | { kind: "restore" }
  | { kind: "delete" };

interface Props {
  detail: TemplateDetail | undefined;
  loading: boolean;
  error: unknown;
  canWrite: boolean;
  actionError: string | null;
  newVersion: React.ReactNode;
  onAction: (action: TemplateAction) => void;
  onRetry: () => void;
}

const promotable = (v: TemplateVersion) => v.latestBuild?.status === "succeeded" && !v.active;
const RUNNING_BUILD = ["queued", "building", "retrying"];
/** The server also refuses a version sessions were started from; that is said when it answers. */
const deletable = (v: TemplateVersion, rollbackTo: string | undefined) =>
  !v.active && v.id !== rollbackTo && !RUNNING_BUILD.includes(v.latestBuild?.status ?? "");

export function TemplateDetailPageView({ detail, loading, error, canWrite, actionError, newVersion, onAction, onRetry }: Props) {
  if (loading) return <Skeleton lines={6} />;
  if (error || !detail) return <ErrorState error={error} onRetry={onRetry} />;
  const { template, versions, releases, buildSummary, storageBytes, rollbackTarget } = detail;
  const writable = canWrite && !template.builtin;

  return (
    <div className="stack" style={{ gap: "1rem" }}>
      <Link to="/templates" className="muted small row" style={{ gap: 4 }}>
        <ArrowLeftIcon size={14} /> Templates
      </Link>
      <div className="page-header">
        <div>
          <h1 className="row" style={{ gap: "0.6rem" }}>
            {template.name}
            {template.builtin && <Badge tone="info">Built-in</Badge>}
            {template.archived && (
              <Badge tone="warn" data-testid="archived-badge">
                Archived
              </Badge>
            )}
          </h1>
          <p className="muted">{template.description ?? "No description."}</p>
        </div>
        {writable && (
          <div className="row">
            {rollbackTarget && (
              <button type="button" className="btn" onClick={() => onAction({ kind: "rollback" })}>
                <RestartIcon size={14} /> Roll back to {rollbackTarget.version}
              </button>
            )}
            <button type="button" className="btn" onClick={() => onAction({ kind: template.archived ? "restore" : "archive" })}>
              {template.archived ? "Restore" : "Archive"}
            </button>
            <button type="button" className="btn btn-danger" onClick={() => onAction({ kind: "delete" })}>
              <TrashIcon size={14} /> Delete
            </button>
          </div>
        )}
      </div>
      <ErrorAlert>{actionError}</ErrorAlert>

      <div className="grid grid-4">
        <div className="card stat">
          <span className="stat-value mono" data-testid="active-version">
            {template.activeVersion ?? "—"}
          </span>
          <span className="stat-label">Promoted version</span>
        </div>
        <div className="card stat">
          <span className="stat-value">{versions.length}</span>
          <span className="stat-label">Versions</span>
        </div>
        <div className="card stat">
          <span className="stat-value" data-testid="storage-used">
            {formatBytes(storageBytes)}
          </span>
          <span className="stat-label">Storage used (bundles + artifacts)</span>
        </div>
        <div className="card stat">
          <span className="stat-value small">
            {BUILD_STATES.filter((s) => buildSummary[s] > 0)
              .map((s) => `${buildSummary[s]} ${buildStateLabel(s).toLowerCase()}`)
              .join(" · ") || "no builds"}
          </span>
          <span className="stat-label">Builds</span>
        </div>
      </div>

      <section className="card" style={{ padding: 0 }}>
        <div className="card-header" style={{ padding: "1rem 1.25rem 0" }}>
          <h2>Versions</h2>
        </div>
        {versions.length === 0 ? (
          <p className="muted" style={{ padding: "0 1.25rem 1rem" }}>
            No versions yet.{writable && " Create one below."}
          </p>
        ) : (
          <DataTable
            testId="versions-table"
            columns={["Version", "Build", { label: "Bundle", hideSm: true }, { label: "Created", hideSm: true }]}
            actions
          >
            {versions.map((v) => (
              <tr key={v.id} data-version={v.version}>
                <td className="mono">
                  {v.version} {v.active && <Badge tone="ok">Promoted</Badge>}
                  <VersionImportNote manifest={v.manifest} />
                </td>
                <td>
                  {v.latestBuild ? (
                    <Link to={`/builds/${v.latestBuild.id}`}>
                      <BuildStatusBadge status={v.latestBuild.status} />
                    </Link>
                  ) : (
                    <span className="muted small">{v.status === "awaiting_upload" ? "awaiting upload" : "no build"}</span>
                  )}
                </td>
                <td className="hide-sm muted small">{v.bundleBytes != null ? formatBytes(v.bundleBytes) : "—"}</td>
                <td className="hide-sm muted">{timeAgo(v.createdAt)}</td>
                <td style={{ textAlign: "right" }}>
                  <div className="row" style={{ gap: 6, justifyContent: "flex-end" }}>
                    {writable && promotable(v) && (
                      <button type="button" className="btn btn-sm" onClick={() => onAction({ kind: "promote", version: v })}>
                        Promote
                      </button>
                    )}
                    {writable && deletable(v, rollbackTarget?.versionId) && (
                      <button
                        type="button"
                        className="btn btn-sm btn-ghost"
                        aria-label={`Delete version ${v.version}`}
                        onClick={() => onAction({ kind: "delete-version", version: v })}
                      >
                        <TrashIcon size={14} />
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      {writable && !template.archived && newVersion}

      <section className="card">
        <div className="card-header">
          <h2>Release history</h2>
        </div>
        {releases.length === 0 ? (
          <p className="muted">
            Nothing promoted yet: sessions cannot start from this template until a version with a succeeded build is promoted.
          </p>
        ) : (
          <ol className="stack" style={{ gap: 6, margin: 0, paddingLeft: "1.2rem" }} data-testid="releases">
            {releases.map((r) => (
              <li key={r.id}>
                <Badge tone={r.kind === "promote" ? "ok" : "warn"}>{r.kind === "promote" ? "Promoted" : "Rolled back to"}</Badge>{" "}
                <span className="mono">{r.version}</span> <span className="muted small">{formatDateTime(r.createdAt)}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
