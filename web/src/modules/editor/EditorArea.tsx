import { lazy, Suspense, useEffect } from "react";
import { CloseIcon, CodeIcon, SaveIcon } from "../../components/icons";
import { isDirty, type useOpenFiles } from "./use-open-files";
import { revealName, VisibleName } from "./VisibleName";

const MonacoEditor = lazy(() => import("./MonacoEditor"));

const baseName = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/**
 * Open-file tabs with dirty markers, the (lazy) Monaco editor, and the changed-on-disk notices.
 * File names show hidden and bidi characters as escapes (VisibleName); operations use the real path.
 */
export function EditorArea({ editor }: { editor: ReturnType<typeof useOpenFiles> }) {
  const { files, active, setActivePath, close, edit, save, reload, keepMine, dismissNotice } = editor;
  // Ctrl/Cmd-S anywhere in the editor area, not only inside Monaco (e.g. focus on a tab).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target instanceof Element ? e.target : null;
      // Inside Monaco its own keybinding saves (with the model's text); this covers the tabs and toolbar.
      if (target?.closest(".monaco-editor")) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s" && active && document.activeElement?.closest(".editor-area")) {
        e.preventDefault();
        save(active.path);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, save]);

  // Clear the "reloaded" note after a moment.
  useEffect(() => {
    if (!active?.notice) return;
    const t = setTimeout(() => dismissNotice(active.path), 4000);
    return () => clearTimeout(t);
  }, [active?.notice, active?.path, dismissNotice]);

  return (
    <div className="pane editor-area">
      <div className="pane-bar">
        <div className="tabs" role="tablist" aria-label="Open files">
          {files.length === 0 && <span className="pane-title">Editor</span>}
          {files.map((f) => {
            const dirty = isDirty(f);
            return (
              <div key={f.path} className="tab" data-active={f.path === active?.path} title={revealName(f.path)} data-dirty={dirty}>
                <button
                  type="button"
                  role="tab"
                  aria-selected={f.path === active?.path}
                  className="tab-btn"
                  onClick={() => setActivePath(f.path)}
                  onAuxClick={(e) => e.button === 1 && close(f.path)}
                >
                  <VisibleName name={baseName(f.path)} />
                  {dirty && (
                    <span className="dirty-dot" data-testid="dirty-marker" title="Unsaved changes">
                      <span className="sr-only">(unsaved)</span>
                    </span>
                  )}
                </button>
                <button
                  type="button"
                  className="tab-close"
                  aria-label={`Close ${revealName(baseName(f.path))}`}
                  onClick={() => close(f.path)}
                >
                  <CloseIcon size={12} />
                </button>
              </div>
            );
          })}
        </div>
        {active && !active.binary && (
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => save(active.path)}
            disabled={!isDirty(active) || active.saving}
            title="Save (Ctrl/Cmd+S)"
            data-testid="save-file"
          >
            {active.saving ? <span className="spinner" aria-hidden /> : <SaveIcon size={13} />}
            {active.saving ? "Saving" : isDirty(active) ? "Save" : "Saved"}
          </button>
        )}
      </div>
      {active?.conflict && (
        <div className="editor-notice alert-warn" role="alert" data-testid="disk-change-notice">
          <span>
            <strong>
              <VisibleName name={baseName(active.path)} />
            </strong>{" "}
            {active.conflict === "changed" ? "changed on disk while you were editing." : "was deleted on disk."}
          </span>
          <span className="row" style={{ gap: 6 }}>
            {active.conflict === "changed" && (
              <button type="button" className="btn btn-sm" onClick={() => reload(active.path)}>
                Load disk version
              </button>
            )}
            <button type="button" className="btn btn-sm" onClick={() => keepMine(active.path)}>
              Keep mine
            </button>
          </span>
        </div>
      )}
      {active?.notice && !active.conflict && (
        <div className="editor-notice alert-info" role="status" data-testid="disk-change-notice">
          <VisibleName name={baseName(active.path)} />: {active.notice}
        </div>
      )}
      {active?.error && (
        <div className="editor-notice alert-error" role="alert">
          {active.error}
        </div>
      )}
      <div className="editor-body">
        {!active ? (
          <div className="pane-empty">
            <CodeIcon size={28} />
            <span>Open a file from the tree, or create one.</span>
            <span className="small subtle">
              <kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>S</kbd> saves
            </span>
          </div>
        ) : active.loading ? (
          <div className="pane-loading">
            Opening <VisibleName name={baseName(active.path)} />…
          </div>
        ) : active.binary ? (
          <div className="pane-empty">This looks like a binary file; it is not shown in the editor.</div>
        ) : (
          <Suspense fallback={<div className="pane-loading">Loading editor…</div>}>
            <MonacoEditor
              sessionId={editor.sessionId}
              path={active.path}
              value={active.text}
              loadVersion={active.loadVersion}
              onChange={(t) => edit(active.path, t)}
              onSave={(text) => save(active.path, text)}
            />
          </Suspense>
        )}
      </div>
    </div>
  );
}
