import { importDevcontainer } from "@burstflare/sdk/devcontainer";
import type { ImportWarning, Manifest } from "@burstflare/sdk/schemas/manifest";
import { useRef, useState } from "react";

/**
 * "Import devcontainer.json": reads a devcontainer.json (JSONC) chosen by the user and maps it
 * in the browser with the same module the CLI uses (sdk/devcontainer.ts). The manifest goes
 * into the editor; the keys that cannot be honoured are listed, never dropped silently.
 */
export function DevcontainerImportButton({ disabled, onImported }: { disabled?: boolean; onImported: (manifest: Manifest) => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  const read = async (file: File | undefined) => {
    if (!file) return;
    try {
      const { manifest } = importDevcontainer(await file.text());
      setError(null);
      onImported(manifest);
    } catch (err) {
      setError(`${file.name}: ${(err as Error).message}`);
    }
  };

  return (
    <div className="stack" style={{ gap: 4 }}>
      <div className="row">
        <button type="button" className="btn btn-sm" disabled={disabled} onClick={() => inputRef.current?.click()}>
          Import devcontainer.json
        </button>
        <span className="field-hint">
          Fills the manifest from .devcontainer/devcontainer.json; the bundle is still your project folder.
        </span>
      </div>
      <input
        ref={inputRef}
        type="file"
        accept=".json,.jsonc,application/json"
        hidden
        data-testid="devcontainer-input"
        onChange={(e) => {
          void read(e.target.files?.[0]);
          e.target.value = "";
        }}
      />
      {error && (
        <span className="field-error" role="alert" data-testid="devcontainer-error">
          {error}
        </span>
      )}
    </div>
  );
}

/** What a devcontainer.json import could not honour: key, why, and what happens instead. */
export function ImportWarnings({ warnings }: { warnings: ImportWarning[] }) {
  if (warnings.length === 0) return null;
  return (
    <div className="alert alert-warn" data-testid="import-warnings">
      <strong>
        {warnings.length} devcontainer.json {warnings.length === 1 ? "setting" : "settings"} not honoured
      </strong>
      <ul style={{ margin: "4px 0 0", paddingLeft: "1.2rem" }}>
        {warnings.map((w) => (
          <li key={w.key} className="small">
            <code>{w.key}</code>: {w.reason}. <span className="muted">Instead: {w.instead}.</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** On a version row: imported from devcontainer.json, with its warnings one click away. */
export function VersionImportNote({ manifest }: { manifest: Manifest }) {
  const imported = manifest.imported;
  if (!imported) return null;
  return (
    <details className="small" data-testid="version-import-note">
      <summary className="muted">
        from devcontainer.json{imported.warnings.length ? ` · ${imported.warnings.length} not honoured` : ""}
      </summary>
      <ImportWarnings warnings={imported.warnings} />
    </details>
  );
}
