import { type CreateShareResponse, MAX_SHARE_EMAILS, type Share, type ShareAccess, type ShareScope } from "@burstflare/sdk/schemas/shares";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { shareAccessQuery, sharesQuery, useCreateShare, useRevokeShare } from "../api/queries/shares";
import { Badge, type Tone } from "./Badge";
import { CopyCommand } from "./CopyButton";
import { DataTable } from "./DataTable";
import { DialogShell } from "./DialogShell";
import { FormField } from "./FormField";
import { IconButton } from "./IconButton";
import { CloseIcon, GlobeIcon } from "./icons";
import { Select } from "./Select";
import { describeError, ErrorAlert } from "./states";
import { TextInput } from "./TextInput";
import { formatDateTime, timeAgo } from "./time";
import "./ShareDialog.css";

const EXPIRIES = [
  { label: "1 hour", seconds: 3600 },
  { label: "1 day", seconds: 86_400 },
  { label: "7 days", seconds: 7 * 86_400 },
  { label: "30 days", seconds: 30 * 86_400 },
] as const;

const SCOPES: { value: ShareScope; label: string }[] = [
  { value: "people", label: "Named people" },
  { value: "workspace", label: "Workspace members" },
  { value: "anyone", label: "Anyone with the link" },
];

const who = (s: Pick<Share, "scope" | "emails">) =>
  s.scope === "people" ? s.emails.join(", ") : s.scope === "workspace" ? "Workspace members" : "Anyone with the link";

const statusBadge: Record<Share["status"], Tone> = { active: "ok", expired: "warn", revoked: "bad" };

/** A "Share" button for a session's preview that opens the share dialog. */
export function ShareButton({ sessionId, sessionName, className = "btn" }: { sessionId: string; sessionName: string; className?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={className} onClick={() => setOpen(true)} data-testid="share-button">
        <GlobeIcon size={14} /> Share
      </button>
      {open && <ShareDialog sessionId={sessionId} sessionName={sessionName} onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * Links to the session's preview: who may open it (named people, the workspace, anyone), for
 * how long, the link to copy (shown once), the links with revoke, and who opened them.
 */
function ShareDialog({ sessionId, sessionName, onClose }: { sessionId: string; sessionName: string; onClose: () => void }) {
  const titleId = useId();
  const shares = useQuery(sharesQuery(sessionId));
  const access = useQuery(shareAccessQuery(sessionId));
  const create = useCreateShare(sessionId);
  const revoke = useRevokeShare(sessionId);
  const [scope, setScope] = useState<ShareScope>("people");
  const [emails, setEmails] = useState("");
  const [expires, setExpires] = useState<number>(EXPIRIES[1].seconds);
  const [label, setLabel] = useState("");
  const [created, setCreated] = useState<CreateShareResponse | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const list = emails
      .split(/[\s,;]+/)
      .map((x) => x.trim())
      .filter(Boolean);
    if (scope === "people" && list.length === 0) return setFormError("Add at least one email.");
    if (list.length > MAX_SHARE_EMAILS) return setFormError(`At most ${MAX_SHARE_EMAILS} people per link.`);
    create.mutate(
      { scope, emails: scope === "people" ? list : undefined, expiresInSeconds: expires, label: label.trim() || undefined },
      {
        onSuccess: (res) => {
          setCreated(res);
          setEmails("");
          setLabel("");
        },
        onError: (err) => setFormError(describeError(err).detail),
      },
    );
  };

  return (
    <DialogShell titleId={titleId} onClose={onClose} className="dialog share-dialog" testId="share-dialog">
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id={titleId}>Share the preview of {sessionName}</h2>
        <IconButton label="Close" onClick={onClose}>
          <CloseIcon />
        </IconButton>
      </div>
      <p className="muted small">
        A link opens only this session's preview (HTTP and WebSocket), never its terminal, editor or SSH. Opening it wakes a sleeping
        session. Revoking ends it at once.
      </p>

      <form className="share-form" onSubmit={onSubmit}>
        <fieldset className="share-scopes">
          <legend className="field-label">Who can open it</legend>
          {SCOPES.map((s) => (
            <label key={s.value}>
              <input
                type="radio"
                name="share-scope"
                value={s.value}
                checked={scope === s.value}
                onChange={() => setScope(s.value)}
                data-testid={`share-scope-${s.value}`}
              />
              {s.label}
            </label>
          ))}
        </fieldset>
        {scope === "people" && (
          <FormField label="Emails of signed-in users (comma or newline separated)">
            <textarea className="input" rows={2} value={emails} onChange={(e) => setEmails(e.target.value)} data-testid="share-emails" />
          </FormField>
        )}
        <div className="row" style={{ gap: "0.75rem", flexWrap: "wrap" }}>
          <FormField label="Expires after">
            <Select
              value={expires}
              onValue={(v) => setExpires(Number(v))}
              options={EXPIRIES.map((x) => ({ value: x.seconds, label: x.label }))}
              data-testid="share-expiry"
            />
          </FormField>
          <FormField label="Label (optional)" style={{ flex: 1 }}>
            <TextInput value={label} maxLength={80} onValue={setLabel} />
          </FormField>
        </div>
        <ErrorAlert>{formError}</ErrorAlert>
        <div className="dialog-actions">
          <button type="submit" className="btn btn-primary" disabled={create.isPending} data-testid="share-create">
            {create.isPending ? "Creating…" : "Create link"}
          </button>
        </div>
      </form>

      {created && (
        <div className="share-created" data-testid="share-created">
          <p className="small">
            <strong>Link created.</strong> Copy it now: it is not shown again. It opens the preview on its own origin, apart from this app.
          </p>
          <CopyCommand command={created.url} testId="share-url" />
        </div>
      )}

      <h3>Links</h3>
      <ShareList
        shares={shares.data}
        loading={shares.isPending}
        revoking={revoke.isPending ? revoke.variables : undefined}
        onRevoke={(id) => revoke.mutate(id)}
      />
      <h3>Access log</h3>
      <AccessLog entries={access.data} loading={access.isPending} />
    </DialogShell>
  );
}

function ShareList({
  shares,
  loading,
  revoking,
  onRevoke,
}: {
  shares: Share[] | undefined;
  loading: boolean;
  revoking: string | undefined;
  onRevoke: (id: string) => void;
}) {
  if (loading) return <p className="muted small">Loading…</p>;
  if (!shares?.length) return <p className="muted small">No links yet.</p>;
  return (
    <DataTable testId="share-list" columns={["Who", "Status", "Expires", "Visits"]} actions>
      {shares.map((s) => (
        <tr key={s.id} data-share-id={s.id} data-status={s.status}>
          <td>
            {who(s)}
            {s.label && <div className="muted small">{s.label}</div>}
          </td>
          <td>
            <Badge tone={statusBadge[s.status]}>{s.status}</Badge>
          </td>
          <td title={formatDateTime(s.expiresAt)}>{timeAgo(s.expiresAt)}</td>
          <td>
            {s.accessCount}
            {s.lastAccessAt && <div className="muted small">last {timeAgo(s.lastAccessAt)}</div>}
          </td>
          <td>
            {s.status === "active" && (
              <button
                type="button"
                className="btn btn-sm btn-danger"
                disabled={revoking === s.id}
                onClick={() => onRevoke(s.id)}
                data-testid={`share-revoke-${s.id}`}
              >
                Revoke
              </button>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function AccessLog({ entries, loading }: { entries: ShareAccess[] | undefined; loading: boolean }) {
  if (loading) return <p className="muted small">Loading…</p>;
  if (!entries?.length) return <p className="muted small">Nobody has opened a link yet.</p>;
  return (
    <DataTable testId="share-access-log" columns={["When", "Who", "Request", "Result", "From"]}>
      {entries.map((e) => (
        <tr key={e.id} data-outcome={e.outcome}>
          <td title={formatDateTime(e.at)}>{timeAgo(e.at)}</td>
          <td>{e.email ?? <span className="muted">anonymous</span>}</td>
          <td className="mono small">
            {e.websocket ? "WS " : ""}
            {e.method} {e.path}
          </td>
          <td>{e.outcome === "allowed" ? "allowed" : `refused: ${e.reason ?? "?"}`}</td>
          <td className="small">
            {e.ip ?? "—"}
            {e.userAgent && <div className="muted small">{e.userAgent.slice(0, 60)}</div>}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
