import type { Member, Workspace } from "@burstflare/sdk/schemas/workspaces";
import { type FormEvent, useEffect, useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { FormField } from "../../components/FormField";
import { Page } from "../../components/PageHeader";
import { Select } from "../../components/Select";
import { ErrorState, Skeleton } from "../../components/states";
import { TextInput } from "../../components/TextInput";

interface SettingsActions {
  rename: { run: (name: string) => void; pending: boolean; error: unknown };
  transfer: { run: (userId: string) => void; pending: boolean; error: unknown };
  leave: { run: () => void; pending: boolean; error: unknown };
  remove: { run: () => void; pending: boolean; error: unknown };
}

interface Props {
  workspace: Workspace | undefined;
  members: Member[] | undefined;
  loading: boolean;
  error: unknown;
  canRename: boolean;
  canTransfer: boolean;
  canDelete: boolean;
  actions: SettingsActions;
}

export function WorkspaceSettingsPageView({ workspace, members, loading, error, canRename, canTransfer, canDelete, actions }: Props) {
  const [name, setName] = useState("");
  const [transferTo, setTransferTo] = useState("");
  const [confirm, setConfirm] = useState<"leave" | "delete" | "transfer" | null>(null);
  const [typed, setTyped] = useState("");

  useEffect(() => setName(workspace?.name ?? ""), [workspace?.name]);

  if (loading) return <Skeleton lines={5} />;
  if (error || !workspace) return <ErrorState error={error ?? new Error("no workspace")} />;

  const candidates = (members ?? []).filter((m) => m.userId !== workspace.ownerId && m.role !== "owner");
  const onRename = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() && name.trim() !== workspace.name) actions.rename.run(name.trim());
  };

  return (
    <Page
      title="Workspace settings"
      description={
        <>
          You are <strong data-testid="settings-role">{workspace.role}</strong> in this workspace.
        </>
      }
    >
      <section className="card">
        <h2>General</h2>
        <dl className="kv">
          <dt>ID</dt>
          <dd className="mono">{workspace.id}</dd>
          <dt>Plan</dt>
          <dd>{workspace.plan}</dd>
          <dt>Kind</dt>
          <dd>{workspace.personal ? "Personal workspace" : "Team workspace"}</dd>
          <dt>Created</dt>
          <dd>{new Date(workspace.createdAt).toLocaleDateString()}</dd>
        </dl>
        <form className="row" style={{ marginTop: "1rem", alignItems: "flex-end" }} onSubmit={onRename}>
          <FormField label="Name" style={{ flex: 1, minWidth: 220 }}>
            <TextInput value={name} maxLength={80} disabled={!canRename} onValue={setName} data-testid="workspace-name-input" />
          </FormField>
          {canRename && (
            <button
              type="submit"
              className="btn btn-primary"
              disabled={actions.rename.pending || !name.trim() || name.trim() === workspace.name}
            >
              Rename
            </button>
          )}
        </form>
        {actions.rename.error ? <ErrorState error={actions.rename.error} /> : null}
      </section>

      {canTransfer && !workspace.personal && (
        <section className="card">
          <h2>Transfer ownership</h2>
          <p className="muted">The new owner gets full control; you stay on as an admin.</p>
          <div className="row" style={{ alignItems: "flex-end" }}>
            <FormField label="New owner" style={{ flex: 1, minWidth: 220 }}>
              <Select
                value={transferTo}
                onValue={setTransferTo}
                none="Choose a member…"
                options={candidates.map((m) => ({ value: m.userId, label: `${m.email} (${m.role})` }))}
              />
            </FormField>
            <button type="button" className="btn" disabled={!transferTo || actions.transfer.pending} onClick={() => setConfirm("transfer")}>
              Transfer
            </button>
          </div>
          {actions.transfer.error ? <ErrorState error={actions.transfer.error} /> : null}
        </section>
      )}

      {!(workspace.personal && workspace.role === "owner") && (
        <section className="card">
          <h2>Leave workspace</h2>
          <p className="muted">You lose access to its sessions and templates until someone invites you again.</p>
          <button type="button" className="btn btn-danger" onClick={() => setConfirm("leave")} disabled={actions.leave.pending}>
            Leave {workspace.name}
          </button>
          {actions.leave.error ? <ErrorState error={actions.leave.error} /> : null}
        </section>
      )}

      {canDelete && !workspace.personal && (
        <section className="card" style={{ borderColor: "var(--bad)" }}>
          <h2>Delete workspace</h2>
          <p className="muted">Deletes the workspace with every session, template, snapshot and secret in it.</p>
          <button type="button" className="btn btn-danger" onClick={() => setConfirm("delete")} disabled={actions.remove.pending}>
            Delete {workspace.name}
          </button>
          {actions.remove.error ? <ErrorState error={actions.remove.error} /> : null}
        </section>
      )}

      <ConfirmDialog
        open={confirm === "transfer"}
        title="Transfer ownership?"
        confirmLabel="Transfer"
        busy={actions.transfer.pending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          setConfirm(null);
          actions.transfer.run(transferTo);
        }}
      >
        {members?.find((m) => m.userId === transferTo)?.email} becomes the owner; you become an admin.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === "leave"}
        title={`Leave ${workspace.name}?`}
        confirmLabel="Leave"
        danger
        busy={actions.leave.pending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          setConfirm(null);
          actions.leave.run();
        }}
      />
      <ConfirmDialog
        open={confirm === "delete"}
        title={`Delete ${workspace.name}?`}
        confirmLabel="Delete workspace"
        danger
        busy={actions.remove.pending || typed !== workspace.name}
        onCancel={() => {
          setTyped("");
          setConfirm(null);
        }}
        onConfirm={() => {
          setTyped("");
          setConfirm(null);
          actions.remove.run();
        }}
      >
        <label className="field">
          <span>
            Type <strong>{workspace.name}</strong> to confirm.
          </span>
          <input className="input" aria-label="Workspace name to confirm" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
      </ConfirmDialog>
    </Page>
  );
}
