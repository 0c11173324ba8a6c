import { sessionNameSchema } from "@burstflare/sdk/schemas/sessions";
import { useEffect, useId, useRef, useState } from "react";
import { DialogShell } from "../../components/DialogShell";
import { FormField } from "../../components/FormField";
import { Select } from "../../components/Select";
import { ErrorAlert } from "../../components/states";
import { TextInput } from "../../components/TextInput";

export interface TemplateChoice {
  id: string;
  name: string;
  description?: string | null;
}

export interface NewSessionInput {
  name: string;
  templateId?: string;
  git?: { url: string; ref?: string };
}

interface Props {
  open: boolean;
  templates: TemplateChoice[];
  defaultName: string;
  busy: boolean;
  error: string | null;
  onCreate: (input: NewSessionInput) => void;
  onCancel: () => void;
}

/** Name + template picker; the empty template choice is the built-in starter. */
export function NewSessionDialog({ open, templates, defaultName, busy, error, onCreate, onCancel }: Props) {
  const titleId = useId();
  const [name, setName] = useState(defaultName);
  const [templateId, setTemplateId] = useState("");
  const [gitURL, setGitURL] = useState("");
  const [gitRef, setGitRef] = useState("");
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) {
      setName(defaultName);
      setGitURL("");
      setGitRef("");
      setTimeout(() => inputRef.current?.select(), 0);
    }
  }, [open, defaultName]);
  if (!open) return null;
  const check = sessionNameSchema.safeParse(name);
  const nameError = name && !check.success ? check.error.issues[0]?.message : null;

  return (
    <DialogShell
      titleId={titleId}
      onClose={onCancel}
      onSubmit={(e) => {
        e.preventDefault();
        const url = gitURL.trim();
        const git = url ? { url, ...(gitRef.trim() ? { ref: gitRef.trim() } : {}) } : undefined;
        if (check.success) onCreate({ name: check.data, templateId: templateId || undefined, ...(git ? { git } : {}) });
      }}
    >
      <h2 id={titleId}>New session</h2>
      <FormField label="Name">
        <TextInput
          ref={inputRef}
          mono
          value={name}
          onValue={(v) => setName(v.toLowerCase())}
          aria-invalid={!!nameError}
          autoComplete="off"
          spellCheck={false}
        />
        <span className="field-hint" style={nameError ? { color: "var(--bad)" } : undefined}>
          {nameError ?? "Lowercase letters, digits and dashes. Used by flare ssh."}
        </span>
      </FormField>
      <FormField label="Template">
        <Select
          value={templateId}
          onValue={setTemplateId}
          none="Starter (built in)"
          options={templates.map((t) => ({ value: t.id, label: t.name }))}
        />
      </FormField>
      <FormField label="Git repository">
        <TextInput
          mono
          type="url"
          placeholder="https://github.com/you/project.git (optional)"
          maxLength={2000}
          value={gitURL}
          onValue={setGitURL}
        />
        <span className="field-hint">Cloned at the first start with your git token (Account); replaces the template's.</span>
      </FormField>
      {gitURL.trim() && (
        <FormField label="Branch or tag">
          <TextInput mono maxLength={200} value={gitRef} onValue={setGitRef} />
        </FormField>
      )}
      <ErrorAlert small>{error}</ErrorAlert>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || !check.success}>
          {busy && <span className="spinner" aria-hidden />}
          Create and start
        </button>
      </div>
    </DialogShell>
  );
}
