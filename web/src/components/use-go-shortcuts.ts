import { useEffect } from "react";
import { useNavigate } from "react-router";
import type { NavItem } from "./nav-items";

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || !!target.closest(".xterm, .monaco-editor");
}

/** Two-key navigation like GitHub's: `g` then an item's shortcut key, within a second. */
export function useGoShortcuts(items: NavItem[]): void {
  const navigate = useNavigate();
  useEffect(() => {
    let armedUntil = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || isTyping(e.target)) return;
      if (e.key === "g") {
        armedUntil = Date.now() + 1000;
        return;
      }
      if (Date.now() > armedUntil) return;
      armedUntil = 0;
      const item = items.find((i) => i.shortcut === e.key);
      if (item) {
        e.preventDefault();
        navigate(item.to);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, navigate]);
}
