import Editor, { type OnMount } from "@monaco-editor/react";
import { useRef } from "react";
import { useResolvedTheme } from "../../theme/theme";
import { languageFor } from "./language";
import { monaco } from "./monaco-setup";

interface Props {
  path: string;
  value: string;
  onChange: (value: string) => void;
  onSave: () => void;
}

/**
 * Monaco for one open file. `path` gives each file its own model, so undo history and
 * cursor position survive switching tabs. Ctrl/Cmd-S is bound inside the editor.
 */
export default function MonacoEditor({ path, value, onChange, onSave }: Props) {
  const theme = useResolvedTheme();
  const saveRef = useRef(onSave);
  saveRef.current = onSave;

  const onMount: OnMount = (editor) => {
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => saveRef.current());
    editor.focus();
  };

  return (
    <Editor
      path={path}
      value={value}
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
