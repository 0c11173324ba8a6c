import { envNameProblem } from "@burstflare/sdk/reserved-env";
import type { Secret } from "@burstflare/sdk/schemas/workspaces";
import { type FormEvent, useState } from "react";
import { ConfirmRemoval } from "../../components/ConfirmDialog";
import { TableCard } from "../../components/DataTable";
import { FormField } from "../../components/FormField";
import { TrashButton } from "../../components/IconButton";
import { KeyIcon } from "../../components/icons";
import { Page } from "../../components/PageHeader";
import { EmptyState, ErrorState } from "../../components/states";
import { TextInput } from "../../components/TextInput";

interface Props {
  secrets: Secret[] | undefined;
  loading: boolean;
  error: unknown;
  canWrite: boolean;
  save: { run: (input: { name: string; value: string }, done: () => void) => void; pending: boolean; error: unknown };
  remove: { run: (name: string) => void; pending: boolean; error: unknown };
}

const TABLE = { testId: "secrets-table", columns: ["Name", "Value", { label: "Updated", hideSm: true }], actions: true } as const;

export function SecretsPageView({ secrets, loading, error, canWrite, save, remove }: Props) {
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [deleting, setDeleting] = useState<string | null>(null);
  const nameProblem = envNameProblem(name);
  const nameOK = nameProblem === null;
  const replacing = secrets?.some((s) => s.name === name);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!nameOK) return;
    save.run({ name, value }, () => {
      setName("");
      setValue("");
    });
  };

  return (
    <Page
      title="Secrets"
      description="Encrypted at rest and handed to every session as environment variables when it starts. Values are never shown again after you save them."
    >
      {canWrite && (
        <section className="card">
          <h2>Set a secret</h2>
          <form className="row" style={{ alignItems: "flex-end" }} onSubmit={onSubmit}>
            <FormField label="Name" style={{ flex: 1, minWidth: 200 }}>
              <TextInput
                mono
                placeholder="DATABASE_URL"
                maxLength={128}
                value={name}
                onValue={setName}
                aria-invalid={name !== "" && !nameOK}
                data-testid="secret-name"
              />
              <span className="field-hint" data-testid="secret-name-hint">
                {name !== "" && nameProblem ? nameProblem : "Letters, digits and underscores; becomes the variable name."}
              </span>
            </FormField>
            <FormField label="Value" style={{ flex: 2, minWidth: 240 }}>
              <TextInput mono type="password" autoComplete="off" value={value} onValue={setValue} data-testid="secret-value" />
              <span className="field-hint">{replacing ? "Replaces the current value." : "\u00a0"}</span>
            </FormField>
            <button type="submit" className="btn btn-primary" disabled={!nameOK || save.pending} data-testid="save-secret">
              {replacing ? "Replace" : "Save"}
            </button>
          </form>
          {save.error ? <ErrorState error={save.error} /> : null}
        </section>
      )}

      <TableCard
        loading={loading}
        error={error}
        table={TABLE}
        skeletonLines={3}
        actionError={remove.error}
        rows={secrets}
        empty={
          <EmptyState icon={<KeyIcon size={28} />} title="No secrets yet">
            API keys, tokens and connection strings your sessions need.
          </EmptyState>
        }
        renderRow={(s) => (
          <tr key={s.name} data-secret={s.name}>
            <td className="mono">{s.name}</td>
            <td className="muted" aria-label="hidden value">
              ••••••••
            </td>
            <td className="hide-sm muted">{new Date(s.updatedAt).toLocaleString()}</td>
            <td style={{ textAlign: "right" }}>
              {canWrite && <TrashButton label={`Delete ${s.name}`} onClick={() => setDeleting(s.name)} size={15} />}
            </td>
          </tr>
        )}
      />

      <ConfirmRemoval
        subject={deleting}
        title={`Delete ${deleting}?`}
        confirmLabel="Delete"
        busy={remove.pending}
        onClose={() => setDeleting(null)}
        onConfirm={remove.run}
      >
        Sessions started from now on will not have it; running sessions keep their environment until restarted.
      </ConfirmRemoval>
    </Page>
  );
}
