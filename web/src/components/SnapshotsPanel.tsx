import type { Session } from "@burstflare/sdk/schemas/sessions";
import type { Snapshot } from "@burstflare/sdk/schemas/snapshots";
import type { SessionState } from "@burstflare/sdk/states";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import {
  deletedSnapshotsQuery,
  snapshotContentURL,
  snapshotsQuery,
  useCreateSnapshot,
  useDeleteSnapshot,
  useRestoreIntoNewSession,
  useRestoreSnapshot,
} from "../api/queries/snapshots";
import { Badge } from "./Badge";
import { formatBytes } from "./bytes";
import { ConfirmDialog } from "./ConfirmDialog";
import { DataTable } from "./DataTable";
import { DeletedSnapshots } from "./DeletedSnapshots";
import { FormField } from "./FormField";
import { TrashButton } from "./IconButton";
import { CameraIcon, PlusIcon, RestartIcon, SaveIcon } from "./icons";
import { describeError, EmptyState, ErrorState, Skeleton } from "./states";
import { TextInput } from "./TextInput";
import { formatDateTime, timeAgo } from "./time";

interface SnapshotsPanelProps {
  session: Pick<Session, "id" | "name" | "state">;
  /** The caller's role allows snapshots.write (owner, admin, member); viewers only list (downloads need runtime access). */
  canWrite: boolean;
  /** After "Restore into a new session" succeeded, e.g. to navigate to it. */
  onNewSession?: (session: Session) => void;
}

type Pending = { kind: "restore" | "delete" | "new-session"; snapshot: Snapshot } | null;

/** Restore is offered where the server accepts it: a running session (live, after a safety snapshot) or a resting one. */
const RESTORABLE: readonly SessionState[] = ["running", "stopped", "sleeping", "failed", "created"];
const SESSION_NAME = /^[a-z0-9][a-z0-9-]{0,47}$/;

/**
 * The snapshots of one session: save with a label, restore (with confirmation), restore into a
 * new session, download and delete. Data loading lives here; the table is plain markup below.
 */
export function SnapshotsPanel({ session, canWrite, onNewSession }: SnapshotsPanelProps) {
  const list = useQuery(snapshotsQuery(session.id));
  const deleted = useQuery(deletedSnapshotsQuery(session.id));
  const create = useCreateSnapshot(session.id);
  const restore = useRestoreSnapshot(session.id);
  const remove = useDeleteSnapshot(session.id);
  const fork = useRestoreIntoNewSession(session.id);
  const [label, setLabel] = useState("");
  const [pending, setPending] = useState<Pending>(null);
  const [newName, setNewName] = useState("");
  const [nameInvalid, setNameInvalid] = useState(false);
  const [permanent, setPermanent] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const running = session.state === "running";
  const lastError = [create, restore, remove, fork].find((m) => m.isError)?.error ?? null;

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    setNotice(null);
    create.mutate(label.trim() || undefined, {
      onSuccess: (s) => {
        setLabel("");
        setNotice(`Saved ${formatBytes(s.bytes)} snapshot${s.label ? ` “${s.label}”` : ""}.`);
      },
    });
  };

  const confirm = () => {
    if (!pending) return;
    const { kind, snapshot } = pending;
    if (kind === "new-session" && !SESSION_NAME.test(newName.trim())) {
      setNameInvalid(true);
      return;
    }
    setPending(null);
    setNotice(null);
    if (kind === "restore") {
      restore.mutate(snapshot.id, {
        onSuccess: (r) =>
          setNotice(
            running
              ? `Restored. The files it replaced are in safety snapshot ${r.safety.id}.`
              : "This snapshot is now the restore point; the session starts from it next time.",
          ),
      });
    } else if (kind === "delete") {
      remove.mutate({ snapshotId: snapshot.id, permanent });
    } else {
      fork.mutate(
        { snapshotId: snapshot.id, name: newName.trim() },
        {
          onSuccess: (r) => {
            setNotice(`Session ${r.session.name} created from this snapshot.`);
            onNewSession?.(r.session);
          },
        },
      );
    }
  };

  // The confirmation of the action picked in the table (one dialog: one action is pending at a time).
  const dialog: { title: string; confirmLabel: string; danger?: boolean; body: ReactNode } | null = !pending
    ? null
    : {
        restore: {
          title: "Restore this snapshot?",
          confirmLabel: "Restore",
          body: running
            ? "The session's current persisted files are saved first as a safety snapshot, then replaced by this snapshot."
            : "This snapshot becomes the restore point: the session starts from it next time. The current restore point stays in the list.",
        },
        delete: {
          title: "Delete this snapshot?",
          confirmLabel: "Delete snapshot",
          danger: true,
          body: (
            <>
              {pending.snapshot.restorePoint ? "This is the restore point: the session will start from the snapshot before it. " : ""}A
              deleted snapshot keeps counting against the workspace's snapshot storage until it is purged (an operator can restore it until
              then).
              <label className="row" style={{ gap: "0.5rem", marginTop: "0.5rem" }}>
                <input type="checkbox" checked={permanent} onChange={(e) => setPermanent(e.target.checked)} />
                Delete permanently: remove the archive now and free its storage
              </label>
            </>
          ),
        },
        "new-session": {
          title: "Restore into a new session",
          confirmLabel: "Create session",
          body: (
            <FormField label="New session name">
              <input
                className="input mono"
                aria-label="New session name"
                aria-invalid={nameInvalid}
                value={newName}
                onChange={(e) => {
                  setNewName(e.target.value);
                  setNameInvalid(false);
                }}
              />
              <span className="field-hint" style={nameInvalid ? { color: "var(--bad)" } : undefined}>
                Lowercase letters, digits and dashes (up to 48). It starts from this snapshot.
              </span>
            </FormField>
          ),
        },
      }[pending.kind];

  return (
    <section className="card" data-testid="snapshots-panel">
      <div className="card-header">
        <h2 className="row">
          <CameraIcon size={16} /> Snapshots
        </h2>
      </div>
      {canWrite && (
        <form className="row" style={{ gap: 8, marginBottom: "0.75rem" }} onSubmit={save}>
          <TextInput
            label="Snapshot label"
            placeholder="Label (optional)"
            maxLength={120}
            value={label}
            onValue={setLabel}
            disabled={!running || create.isPending}
          />
          <button type="submit" className="btn btn-primary" disabled={!running || create.isPending} data-testid="save-snapshot">
            {create.isPending ? <span className="spinner" aria-hidden /> : <SaveIcon size={14} />}
            Save snapshot
          </button>
        </form>
      )}
      {canWrite && !running && <p className="muted small">Start the session to save a snapshot; stop and sleep save one automatically.</p>}
      {deleted.data && deleted.data.bytes > 0 && <DeletedSnapshots sessionId={session.id} held={deleted.data} canWrite={canWrite} />}
      {notice && (
        <div className="alert alert-info small" role="status">
          {notice}
        </div>
      )}
      {lastError !== null && (
        <div className="alert alert-error small" role="alert">
          <strong>{describeError(lastError).title}:</strong> {lastError.message}
        </div>
      )}
      {list.isPending ? (
        <Skeleton lines={3} />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState icon={<CameraIcon size={20} />} title="No snapshots yet">
          Persisted paths are saved when the session stops or sleeps, by autosave, or when you save one here.
        </EmptyState>
      ) : (
        <SnapshotsTable
          sessionId={session.id}
          snapshots={list.data}
          canWrite={canWrite}
          canRestore={RESTORABLE.includes(session.state)}
          busy={restore.isPending || remove.isPending || fork.isPending}
          onAction={(kind, snapshot) => {
            if (kind === "new-session") {
              setNewName(`${session.name}-copy`.slice(0, 48));
              setNameInvalid(false);
            }
            setPermanent(false);
            setPending({ kind, snapshot });
          }}
        />
      )}
      <ConfirmDialog
        open={dialog !== null}
        title={dialog?.title ?? ""}
        confirmLabel={dialog?.confirmLabel ?? ""}
        danger={dialog?.danger}
        onConfirm={confirm}
        onCancel={() => setPending(null)}
      >
        {dialog?.body}
      </ConfirmDialog>
    </section>
  );
}

const KIND_LABEL: Record<Snapshot["kind"], string> = {
  manual: "manual",
  autosave: "autosave",
  stop: "on stop",
  sleep: "on sleep",
  safety: "safety",
};

interface TableProps {
  sessionId: string;
  snapshots: Snapshot[];
  canWrite: boolean;
  canRestore: boolean;
  busy: boolean;
  onAction: (kind: "restore" | "delete" | "new-session", snapshot: Snapshot) => void;
}

function DeleteSnapshotButton({ snapshot, busy, onDelete }: { snapshot: Snapshot; busy: boolean; onDelete: () => void }) {
  return <TrashButton label={`Delete snapshot ${snapshot.label ?? snapshot.id}`} disabled={busy} onClick={onDelete} size={14} />;
}

function SnapshotsTable({ sessionId, snapshots, canWrite, canRestore, busy, onAction }: TableProps) {
  return (
    <DataTable testId="snapshots-table" columns={["Snapshot", "Taken", "Size", { label: "SHA-256", hideSm: true }]} actions>
      {snapshots.map((s) => (
        <tr key={s.id} data-snapshot-id={s.id} data-status={s.status}>
          <td>
            <div className="row" style={{ gap: 6, flexWrap: "wrap" }}>
              <Badge>{KIND_LABEL[s.kind]}</Badge>
              {s.label && <strong>{s.label}</strong>}
              {s.restorePoint && <Badge tone="ok">restore point</Badge>}
              {s.status === "pending" && <Badge tone="info">uploading</Badge>}
              {s.status === "failed" && <Badge tone="bad">failed</Badge>}
            </div>
          </td>
          <td title={formatDateTime(s.createdAt)}>{timeAgo(s.createdAt)}</td>
          <td>{s.bytes != null ? formatBytes(s.bytes) : "—"}</td>
          <td className="hide-sm mono small" title={s.sha256 ?? undefined}>
            {s.sha256 ? `${s.sha256.slice(0, 12)}…` : "—"}
          </td>
          <td>
            {s.status === "ready" && (
              <div className="row" style={{ gap: 4, justifyContent: "flex-end" }}>
                {canWrite && (
                  <a className="btn btn-sm btn-ghost" href={snapshotContentURL(sessionId, s.id)} download>
                    Download
                  </a>
                )}
                {canWrite && canRestore && (
                  <button type="button" className="btn btn-sm" disabled={busy} onClick={() => onAction("restore", s)}>
                    <RestartIcon size={13} /> Restore
                  </button>
                )}
                {canWrite && (
                  <button type="button" className="btn btn-sm" disabled={busy} onClick={() => onAction("new-session", s)}>
                    <PlusIcon size={13} /> New session
                  </button>
                )}
                {canWrite && <DeleteSnapshotButton snapshot={s} busy={busy} onDelete={() => onAction("delete", s)} />}
              </div>
            )}
            {s.status === "failed" && canWrite && (
              <div className="row" style={{ justifyContent: "flex-end" }}>
                <DeleteSnapshotButton snapshot={s} busy={busy} onDelete={() => onAction("delete", s)} />
              </div>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
