import { useEffect, useState } from "react";
import { CheckIcon, CopyIcon } from "./icons";

/** Copies `text` to the clipboard and confirms for a moment; the label names what is copied. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={copied ? "Copied" : label}
      title={copied ? "Copied" : label}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setCopied(true);
        } catch {
          // Clipboard refused (insecure context or permission): select the text instead.
          const range = document.createRange();
          const code = document.activeElement?.parentElement?.querySelector("code");
          if (code) {
            range.selectNodeContents(code);
            window.getSelection()?.removeAllRanges();
            window.getSelection()?.addRange(range);
          }
        }
      }}
    >
      {copied ? <CheckIcon /> : <CopyIcon />}
    </button>
  );
}

/** A one-line command with a copy button beside it. */
export function CopyCommand({ command, testId }: { command: string; testId?: string }) {
  return (
    <div className="code-copy" data-testid={testId}>
      <code>{command}</code>
      <CopyButton text={command} label={`Copy "${command}"`} />
    </div>
  );
}
