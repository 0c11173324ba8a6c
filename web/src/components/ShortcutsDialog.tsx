import { useEffect, useId, useState } from "react";
import { useIsOperator } from "../api/queries/admin";
import { DialogShell } from "./DialogShell";
import { NAV_ITEMS } from "./nav-items";

const WORKBENCH: [string, string][] = [
  ["Ctrl/⌘ + S", "Save the open file"],
  ["F2 / Delete", "Rename / delete the focused file in the tree"],
  ["Alt + 1 / 2 / 3", "Show or hide files / terminal / preview"],
  ["Ctrl + Shift + F", "Find in the terminal"],
  ["Ctrl + Shift + `", "New terminal tab"],
  ["Arrow keys on a divider", "Resize panes (Shift for bigger steps)"],
];

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || !!target.closest(".xterm, .monaco-editor");
}

/** `?` anywhere outside a text field lists the keyboard shortcuts. */
export function ShortcutsDialog() {
  const [open, setOpen] = useState(false);
  const titleId = useId();
  const isOperator = useIsOperator();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "?" && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target)) {
        e.preventDefault();
        setOpen((v) => !v);
      } else if (e.key === "Escape") setOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  if (!open) return null;
  const go = NAV_ITEMS.filter((i) => i.shortcut && (!i.operatorOnly || isOperator)).map((i): [string, string] => [
    `g then ${i.shortcut}`,
    `Go to ${i.label}`,
  ]);
  return (
    <DialogShell titleId={titleId} onClose={() => setOpen(false)} className="dialog shortcuts">
      <div className="card-header" style={{ marginBottom: 0 }}>
        <h2 id={titleId}>Keyboard shortcuts</h2>
        <button type="button" className="btn btn-sm" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
      {[
        ["Anywhere", [["?", "Show this list"], ...go] as [string, string][]],
        ["Workbench", WORKBENCH],
      ].map(([title, rows]) => (
        <section key={title as string}>
          <h3 className="pane-title" style={{ padding: 0, marginBottom: 6 }}>
            {title as string}
          </h3>
          <dl className="kv">
            {(rows as [string, string][]).map(([keys, what]) => (
              <div key={keys} style={{ display: "contents" }}>
                <dt>
                  <kbd>{keys}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </DialogShell>
  );
}
