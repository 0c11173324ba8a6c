import type { SessionPort } from "@burstflare/sdk/schemas/ports";
import type { CreateShareResponse, ShareScope } from "@burstflare/sdk/schemas/shares";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { sessionPortsQuery } from "../../api/queries/ports";
import { useCreateShare } from "../../api/queries/shares";
import { Badge } from "../../components/Badge";
import { CopyButton } from "../../components/CopyButton";
import { ExternalIcon } from "../../components/icons";
import { Select } from "../../components/Select";
import { TextInput } from "../../components/TextInput";

/** Who may open a shared port. */
const SCOPES = [
  { value: "workspace", label: "Workspace" },
  { value: "people", label: "People…" },
  { value: "anyone", label: "Anyone with the link" },
];

const DAY = 24 * 3600;

/**
 * The workbench's ports menu: every port listening in the session (the agent reads them) with
 * its label from the template. Open one privately (a new tab on the port's own origin), share it
 * with the workspace, or make a link for named people or anyone: ordinary share links with a port.
 */
export function PortsMenu({ sessionId, running, canShare }: { sessionId: string; running: boolean; canShare: boolean }) {
  const [open, setOpen] = useState(false);
  // Polled slowly while closed, so a server that starts is announced (devcontainer onAutoForward).
  const ports = useQuery({ ...sessionPortsQuery(sessionId), enabled: running, refetchInterval: open ? 5_000 : 15_000 });
  const listening = ports.data?.ports.filter((p) => p.listening).length ?? 0;
  const fresh = useNewPorts(ports.data?.ports, open);

  return (
    <details className="ports-menu" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)} data-testid="ports-menu">
      <summary className="btn btn-sm">
        Ports{ports.data ? ` (${listening})` : ""}
        {fresh.length > 0 && <Badge tone="ok">new</Badge>}
      </summary>
      {fresh.length > 0 && !open && (
        <span className="sr-only-live small" role="status" data-testid="port-notice">
          {fresh.map((p) => `Port ${p.port}${p.label ? ` (${p.label})` : ""} is listening`).join("; ")}
        </span>
      )}
      <div className="ports-popover card stack" role="dialog" aria-label="Ports">
        {!running && <p className="muted small">Start the session to see its ports.</p>}
        {ports.isError && <p className="field-error small">{(ports.error as Error).message}</p>}
        {ports.data && ports.data.ports.length === 0 && <p className="muted small">Nothing listens yet. Start a server in the terminal.</p>}
        {ports.data?.ports.map((p) => (
          <PortRow key={p.port} sessionId={sessionId} port={p} canShare={canShare} />
        ))}
      </div>
    </details>
  );
}

/**
 * Ports that started listening since the workbench opened (or the menu was last opened), except
 * those the template marks `silent` or `ignore`: what devcontainer's onAutoForward `notify` means here.
 */
function useNewPorts(ports: SessionPort[] | undefined, open: boolean): SessionPort[] {
  const [seen, setSeen] = useState<Set<number> | null>(null);
  const listening = (ports ?? []).filter((p) => p.listening);
  useEffect(() => {
    if (!ports) return;
    const now = ports.filter((p) => p.listening).map((p) => p.port);
    // The first answer is the baseline; opening the menu shows (and so clears) everything new.
    setSeen((prev) => (prev === null || open ? new Set(now) : prev));
  }, [ports, open]);
  if (!seen) return [];
  return listening.filter((p) => !seen.has(p.port) && p.onAutoForward !== "silent" && p.onAutoForward !== "ignore");
}

function PortRow({ sessionId, port, canShare }: { sessionId: string; port: SessionPort; canShare: boolean }) {
  const create = useCreateShare(sessionId);
  const [scope, setScope] = useState<ShareScope>("workspace");
  const [emails, setEmails] = useState("");
  const [link, setLink] = useState<CreateShareResponse | null>(null);
  const tabURL = `/runtime/sessions/${encodeURIComponent(sessionId)}/ports/${port.port}`;

  const share = () =>
    create.mutate(
      {
        scope,
        port: port.port,
        expiresInSeconds: DAY,
        emails: scope === "people" ? emails.split(/[\s,]+/).filter(Boolean) : undefined,
      },
      { onSuccess: setLink },
    );

  return (
    <div className="stack" style={{ gap: 4 }} data-testid="port-row" data-port={port.port}>
      <div className="row" style={{ gap: 8 }}>
        <span className="mono">:{port.port}</span>
        <span>{port.label ?? <span className="muted">unlabelled</span>}</span>
        {port.preview && <Badge>preview</Badge>}
        <Badge tone={port.listening ? "ok" : undefined}>{port.listening ? "listening" : "not listening"}</Badge>
        <span className="spacer" />
        {port.listening && (
          <a className="btn btn-sm" href={tabURL} target="_blank" rel="noopener noreferrer" aria-label={`Open port ${port.port}`}>
            <ExternalIcon size={12} /> Open
          </a>
        )}
      </div>
      {canShare && port.listening && (
        <div className="row" style={{ gap: 6 }}>
          <Select
            label={`Who may open port ${port.port}`}
            small
            value={scope}
            onValue={(v) => setScope(v as ShareScope)}
            options={SCOPES}
          />
          {scope === "people" && (
            <TextInput label="Emails" small placeholder="ana@example.com, bo@example.com" value={emails} onValue={setEmails} />
          )}
          <button type="button" className="btn btn-sm" disabled={create.isPending} onClick={share}>
            {scope === "workspace" ? "Share with workspace" : "Make link"}
          </button>
        </div>
      )}
      {create.error && <span className="field-error small">{create.error.message}</span>}
      {link && (
        <div className="row small" style={{ gap: 6 }} data-testid="port-link">
          <code>{link.url}</code>
          <CopyButton text={link.url} />
          <span className="muted">1 day</span>
        </div>
      )}
    </div>
  );
}
