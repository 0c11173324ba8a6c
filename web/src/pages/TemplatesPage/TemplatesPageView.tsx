import type { Template } from "@burstflare/sdk/schemas/templates";
import { useState } from "react";
import { Link } from "react-router";
import { Badge } from "../../components/Badge";
import { LayersIcon, PlusIcon } from "../../components/icons";
import { Page } from "../../components/PageHeader";
import { EmptyState, ErrorAlert, type QueryStatusProps } from "../../components/states";
import { TextInput } from "../../components/TextInput";
import { timeAgo } from "../../components/time";
import "./templates.css";
import { TableCard } from "../../components/DataTable";
import { FormField } from "../../components/FormField";

interface Props extends QueryStatusProps {
  templates: Template[] | undefined;
  canWrite: boolean;
  creating: boolean;
  createError: string | null;
  onCreate: (input: { name: string; description?: string }) => void;
}

const TABLE = {
  testId: "templates-table",
  columns: ["Name", "Promoted version", { label: "Preview port", hideSm: true }, { label: "Updated", hideSm: true }],
} as const;

const NO_TEMPLATES = (
  <EmptyState icon={<LayersIcon size={32} />} title="No templates yet">
    Create one to standardise your team's environments.
  </EmptyState>
);

export function TemplatesPageView({ templates, canWrite, creating, createError, onCreate, ...list }: Props) {
  const [formOpen, setFormOpen] = useState(false);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");

  return (
    <Page
      gap="1rem"
      title="Templates"
      description="Versioned environments: a bundle, a build step that prebuilds it, and a manifest. Sessions start from the promoted version."
      actions={
        canWrite && (
          <button type="button" className="btn btn-primary" onClick={() => setFormOpen((o) => !o)} aria-expanded={formOpen}>
            <PlusIcon /> New template
          </button>
        )
      }
    >
      {formOpen && (
        <form
          className="card stack"
          aria-label="New template"
          onSubmit={(e) => {
            e.preventDefault();
            onCreate({ name: name.trim(), description: description.trim() || undefined });
          }}
        >
          <FormField label="Name">
            <TextInput
              mono
              name="name"
              value={name}
              onValue={(v) => setName(v.toLowerCase())}
              placeholder="web-app"
              autoComplete="off"
              required
            />
            <span className="field-hint">Lowercase letters, digits, dots, dashes; unique in this workspace.</span>
          </FormField>
          <FormField label="Description">
            <TextInput name="description" value={description} onValue={setDescription} />
          </FormField>
          <ErrorAlert>{createError}</ErrorAlert>
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={creating || !name.trim()}>
              {creating && <span className="spinner" aria-hidden />}
              Create template
            </button>
            <button type="button" className="btn" onClick={() => setFormOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}

      <TableCard {...list} table={TABLE} skeletonLines={3} rows={templates} empty={NO_TEMPLATES} renderRow={templateRow} />
    </Page>
  );
}

/** One template's row: its name with the built-in and archived marks, its description, promoted version, preview port and age. */
function templateRow(t: Template) {
  return (
    <tr key={t.id} data-template={t.name}>
      <td>
        <div className="row" style={{ gap: "0.5rem" }}>
          <Link to={`/templates/${t.id}`} className="strong-link">
            {t.name}
          </Link>
          {t.builtin && <Badge tone="info">Built-in</Badge>}
          {t.archived && <Badge tone="warn">Archived</Badge>}
        </div>
        {t.description && <div className="small muted">{t.description}</div>}
      </td>
      <td className="mono">{t.activeVersion ?? <span className="muted">none yet</span>}</td>
      <td className="hide-sm muted">{t.previewPort ?? "—"}</td>
      <td className="hide-sm muted">{timeAgo(t.updatedAt)}</td>
    </tr>
  );
}
