import Editor, { type OnMount } from "@monaco-editor/react";
import type { editor as MonacoNS } from "monaco-editor";
import { useEffect, useRef } from "react";
import { useResolvedTheme } from "../../theme/theme";
import { languageFor } from "./language";
import { modelUri } from "./model-uri";
import { monaco } from "./monaco-setup";

interface Props {
  sessionId: string;
  path: string;
  /** The buffer's content; applied to the model only when `loadVersion` changes (a load from disk). */
  value: string;
  loadVersion: number;
  onChange: (value: string) => void;
  /** Receives the model's text: React state may be a keystroke behind when Ctrl+S follows typing. */
  onSave: (text: string) => void;
}

/**
 * Monaco for one open file. The session and path give each file its own model (see `modelUri`), so
 * undo history and cursor survive tab switches and never carry over to another file or session.
 * The model is the source of truth while typing: feeding React state back as a controlled value
 * would race fast keystrokes and drop characters, so content is pushed into the model only when
 * the file was (re)loaded from disk.
 */
export default function MonacoEditor({ sessionId, path, value, loadVersion, onChange, onSave }: Props) {
  const theme = useResolvedTheme();
  const saveRef = useRef(onSave);
  saveRef.current = onSave;
  const editorRef = useRef<MonacoNS.IStandaloneCodeEditor | null>(null);
  const valueRef = useRef(value);
  valueRef.current = value;

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => saveRef.current(editor.getValue()));
    syncFromDisk(editor, valueRef.current);
    editor.focus();
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs exactly when a file (re)loads or the tab changes
  useEffect(() => {
    if (editorRef.current) syncFromDisk(editorRef.current, valueRef.current);
  }, [sessionId, path, loadVersion]);

  return (
    <Editor
      path={modelUri(sessionId, path)}
      defaultValue={value}
      language={languageFor(path)}
      theme={theme === "dark" ? "burstflare-dark" : "burstflare-light"}
      onChange={(v) => onChange(v ?? "")}
      onMount={onMount}
      loading={<div className="pane-loading">Loading editor…</div>}
      options={{
        fontSize: 13,
        fontFamily: 'ui-monospace, "SF Mono", "Cascadia Code", "JetBrains Mono", Menlo, Consolas, monospace',
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        automaticLayout: true,
        tabSize: 2,
        renderWhitespace: "selection",
        smoothScrolling: true,
        padding: { top: 8 },
      }}
    />
  );
}

/** Replaces the model's text as one undoable edit (a reload can be undone with Ctrl+Z). */
function syncFromDisk(editor: MonacoNS.IStandaloneCodeEditor, text: string): void {
  const model = editor.getModel();
  if (!model || model.getValue() === text) return;
  editor.pushUndoStop();
  editor.executeEdits("disk", [{ range: model.getFullModelRange(), text }]);
  editor.pushUndoStop();
}
