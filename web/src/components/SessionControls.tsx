import type { Session } from "@burstflare/sdk/schemas/sessions";
import { useState } from "react";
import { actionsFor, type SessionAction, useSessionAction } from "../api/queries/sessions";
import { ConfirmDialog } from "./ConfirmDialog";
import { AlertIcon, PlayIcon, RestartIcon, StopIcon, TrashIcon } from "./icons";
import { errorLine } from "./states";

const LABEL: Record<SessionAction, string> = { start: "Start", stop: "Stop", restart: "Restart", delete: "Delete" };
const ICON = { start: PlayIcon, stop: StopIcon, restart: RestartIcon, delete: TrashIcon } as const;

/** The actions that ask first (delete loses the session, restart ends running processes), and what they ask. */
const CONFIRM: Partial<Record<SessionAction, { label: string; danger?: boolean; body: string }>> = {
  delete: {
    label: "Delete session",
    danger: true,
    body: "The session's runtime and its files are removed. Snapshots you took stay in the workspace until you delete them.",
  },
  restart: { label: "Restart", body: "Running processes and open terminals end; files in persisted paths are kept." },
};

interface Props {
  session: Pick<Session, "id" | "name" | "state">;
  /** Icon-only buttons for table rows. */
  compact?: boolean;
  /** Hide actions the caller's role cannot do. */
  canLifecycle?: boolean;
  onDeleted?: () => void;
}

/**
 * Start / stop / restart / delete for one session. Buttons follow the state; delete and
 * restart ask first (CONFIRM).
 */
export function SessionControls({ session, compact, canLifecycle = true, onDeleted }: Props) {
  const mutation = useSessionAction();
  const [confirming, setConfirming] = useState<SessionAction | null>(null);
  if (!canLifecycle) return null;
  const actions = actionsFor(session.state);
  const pending = mutation.isPending && mutation.variables?.id === session.id ? mutation.variables.action : null;

  const run = (action: SessionAction) => {
    setConfirming(null);
    mutation.mutate({ id: session.id, action }, { onSuccess: () => action === "delete" && onDeleted?.() });
  };
  const click = (action: SessionAction) => (CONFIRM[action] ? setConfirming(action) : run(action));
  const dialog = confirming && CONFIRM[confirming];

  return (
    <div className="row session-controls" style={{ gap: compact ? 2 : 8 }}>
      {actions.map((action) => {
        const Icon = ICON[action];
        const label = `${LABEL[action]} ${session.name}`;
        return (
          <button
            key={action}
            type="button"
            className={compact ? "icon-btn" : `btn ${action === "delete" ? "btn-danger" : action === "start" ? "btn-primary" : ""}`}
            aria-label={compact ? label : undefined}
            title={label}
            data-action={action}
            disabled={pending !== null}
            onClick={(e) => {
              e.stopPropagation();
              click(action);
            }}
          >
            {pending === action ? <span className="spinner" aria-hidden /> : <Icon size={compact ? 15 : 14} />}
            {!compact && LABEL[action]}
          </button>
        );
      })}
      {mutation.isError &&
        mutation.variables?.id === session.id &&
        (compact ? (
          <span className="icon-btn" role="alert" title={errorLine(mutation.error)} style={{ color: "var(--bad)" }}>
            <AlertIcon size={15} />
            <span className="sr-only">{errorLine(mutation.error)}</span>
          </span>
        ) : (
          <span className="small" role="alert" style={{ color: "var(--bad)" }}>
            {errorLine(mutation.error)}
          </span>
        ))}
      <ConfirmDialog
        open={!!dialog}
        title={confirming ? `${LABEL[confirming]} ${session.name}?` : ""}
        confirmLabel={dialog?.label ?? ""}
        danger={dialog?.danger}
        onConfirm={() => confirming && run(confirming)}
        onCancel={() => setConfirming(null)}
      >
        {dialog?.body}
      </ConfirmDialog>
    </div>
  );
}
