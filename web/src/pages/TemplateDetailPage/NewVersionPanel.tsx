import { ApiError } from "@burstflare/sdk/errors";
import { manifestSchema } from "@burstflare/sdk/schemas/manifest";
import type { CreateVersionResponse, UploadResult } from "@burstflare/sdk/schemas/templates";
import { BUNDLE_MAX_BYTES, versionLabelSchema } from "@burstflare/sdk/schemas/templates";
import { useRef, useState } from "react";
import { useCreateVersion } from "../../api/queries/templates";
import { formatBytes } from "../../components/bytes";
import { FormField } from "../../components/FormField";
import { describeError } from "../../components/states";
import { TextInput } from "../../components/TextInput";
import { DevcontainerImportButton, ImportWarnings } from "./DevcontainerImport";

const SAMPLE_MANIFEST = `{
  "persistedPaths": ["."],
  "build": "npm install",
  "bootstrap": "",
  "previewPort": 3000
}`;

interface FieldIssue {
  path: string;
  message: string;
}

/** Manifest text → Manifest, or the problems with it, field by field (same schema as the API). */
function checkManifest(text: string): { manifest?: unknown; issues: FieldIssue[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { issues: [{ path: "manifest", message: `not valid JSON: ${(err as Error).message}` }] };
  }
  if (json && typeof json === "object" && "bootstrap" in json && (json as { bootstrap: unknown }).bootstrap === "") {
    delete (json as { bootstrap?: unknown }).bootstrap;
  }
  const parsed = manifestSchema.safeParse(json);
  if (parsed.success) return { manifest: parsed.data, issues: [] };
  return { issues: parsed.error.issues.map((i) => ({ path: ["manifest", ...i.path].join("."), message: i.message })) };
}

/** The warnings an imported manifest carries, read from the editor as it is now. */
function importedWarnings(text: string) {
  try {
    const parsed = manifestSchema.shape.imported.safeParse((JSON.parse(text) as { imported?: unknown }).imported);
    return parsed.success ? (parsed.data?.warnings ?? []) : [];
  } catch {
    return [];
  }
}

/**
 * New version: label, manifest and a drag-and-drop .tar.gz bundle, uploaded with a real
 * progress bar. A refused bundle keeps the created version and its grant so a corrected
 * file can be sent without retyping anything.
 */
export function NewVersionPanel({ templateId, onUploaded }: { templateId: string; onUploaded: (result: UploadResult) => void }) {
  const create = useCreateVersion();
  const [version, setVersion] = useState("");
  const [manifestText, setManifestText] = useState(SAMPLE_MANIFEST);
  const [file, setFile] = useState<File | null>(null);
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [pending, setPending] = useState<CreateVersionResponse | null>(null);
  const [localIssues, setLocalIssues] = useState<FieldIssue[]>([]);
  const inputRef = useRef<HTMLInputElement>(null);

  const pick = (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    create.reset();
  };

  const submit = () => {
    const label = versionLabelSchema.safeParse(pending?.version.version ?? version);
    const checked = checkManifest(manifestText);
    const issues = [
      ...(label.success ? [] : [{ path: "version", message: label.error.issues[0]?.message ?? "invalid" }]),
      ...checked.issues,
    ];
    if (!file) issues.push({ path: "bundle", message: "choose a .tar.gz bundle" });
    else if (file.size > BUNDLE_MAX_BYTES)
      issues.push({ path: "bundle", message: `bundle is ${formatBytes(file.size)}; the limit is ${formatBytes(BUNDLE_MAX_BYTES)}` });
    setLocalIssues(issues);
    if (issues.length || !file || !label.success) return;
    setProgress(0);
    create.mutate(
      {
        templateId,
        version: label.data,
        manifest: checked.manifest as never,
        bundle: file,
        onProgress: setProgress,
        pending: pending ?? undefined,
      },
      {
        onSuccess: (result) => {
          setPending(null);
          onUploaded(result);
        },
        onError: (err) => {
          setProgress(null);
          const created = (err as { pending?: CreateVersionResponse }).pending;
          if (created) setPending(created);
        },
      },
    );
  };

  const serverIssues: FieldIssue[] =
    create.error instanceof ApiError && Array.isArray(create.error.details) ? (create.error.details as FieldIssue[]) : [];
  const issues = [...localIssues, ...serverIssues];
  const issueFor = (prefix: string) => issues.filter((i) => i.path === prefix || i.path.startsWith(`${prefix}.`));

  return (
    <form
      className="card stack"
      aria-label="New version"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <div className="card-header">
        <h2>New version</h2>
      </div>
      <FormField label="Version">
        <TextInput
          mono
          name="version"
          value={pending?.version.version ?? version}
          disabled={!!pending}
          onValue={setVersion}
          placeholder="1.0.0"
          autoComplete="off"
        />
        {issueFor("version").map((i) => (
          <span key={i.path + i.message} className="field-error">
            {i.message}
          </span>
        ))}
      </FormField>
      {/* Outside the Manifest label: a button inside a label would catch clicks meant for the editor. */}
      <DevcontainerImportButton disabled={!!pending} onImported={(m) => setManifestText(JSON.stringify(m, null, 2))} />
      <FormField label="Manifest">
        <textarea
          className="input manifest-editor"
          name="manifest"
          value={manifestText}
          disabled={!!pending}
          onChange={(e) => setManifestText(e.target.value)}
          spellCheck={false}
        />
        <span className="field-hint">
          persistedPaths, build, bootstrap, previewPort, env, idleTimeoutSeconds, ports. Paths are relative to the workspace root.
        </span>
        {issueFor("manifest").map((i) => (
          <span key={i.path + i.message} className="field-error" data-testid="manifest-error">
            {i.path.replace(/^manifest\.?/, "") || "manifest"}: {i.message}
          </span>
        ))}
      </FormField>
      <ImportWarnings warnings={importedWarnings(manifestText)} />
      <div className="field">
        <span className="field-label">Bundle (.tar.gz of the files that land in the workspace root)</span>
        <div
          className="dropzone"
          role="button"
          tabIndex={0}
          data-over={over}
          data-testid="bundle-dropzone"
          onClick={() => inputRef.current?.click()}
          onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && inputRef.current?.click()}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            pick(e.dataTransfer.files[0]);
          }}
        >
          {file ? (
            <span>
              <strong>{file.name}</strong> · {formatBytes(file.size)}
            </span>
          ) : (
            <span>
              Drop a <strong>.tar.gz</strong> here or click to choose one
            </span>
          )}
        </div>
        <input
          ref={inputRef}
          type="file"
          accept=".tar.gz,.tgz,application/gzip"
          hidden
          data-testid="bundle-input"
          onChange={(e) => pick(e.target.files?.[0])}
        />
        {issueFor("bundle").map((i) => (
          <span key={i.message} className="field-error">
            {i.message}
          </span>
        ))}
      </div>
      {progress !== null && (
        <div className="stack" style={{ gap: 4 }}>
          <div
            className="upload-progress"
            role="progressbar"
            aria-label="Upload progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(progress * 100)}
          >
            <div style={{ width: `${Math.round(progress * 100)}%` }} />
          </div>
          <span className="small muted">{progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : "Checking the archive…"}</span>
        </div>
      )}
      {create.error && !serverIssues.length && (
        <div className="alert alert-error" role="alert" data-testid="upload-error">
          <strong>{describeError(create.error).title}</strong>: {create.error.message}
          {pending && (
            <div className="small">The version {pending.version.version} was created; choose a corrected bundle and upload again.</div>
          )}
        </div>
      )}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending && <span className="spinner" aria-hidden />}
          {pending ? "Upload corrected bundle" : "Create version and upload"}
        </button>
      </div>
    </form>
  );
}
