import { FitAddon } from "@xterm/addon-fit";
import { SearchAddon } from "@xterm/addon-search";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { type ITheme, Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { forwardRef, useEffect, useImperativeHandle, useRef } from "react";
import { type ResolvedTheme, useResolvedTheme } from "../../theme/theme";
import { type ConnectionStatus, TerminalConnection, terminalURL } from "./terminal-connection";

const THEMES: Record<ResolvedTheme, ITheme> = {
  dark: {
    background: "#0f1117",
    foreground: "#e4e6eb",
    cursor: "#f6821f",
    cursorAccent: "#0f1117",
    selectionBackground: "rgba(246,130,31,0.3)",
    black: "#1c1f26",
    brightBlack: "#5c6370",
    red: "#f0645a",
    green: "#3cc486",
    yellow: "#e5b040",
    blue: "#6b9cff",
    magenta: "#c678dd",
    cyan: "#56b6c2",
    white: "#d7dae0",
  },
  light: {
    background: "#fbfbfc",
    foreground: "#1d2026",
    cursor: "#d96a0b",
    cursorAccent: "#fbfbfc",
    selectionBackground: "rgba(246,130,31,0.25)",
    black: "#1d2026",
    brightBlack: "#6b7080",
    red: "#c9302c",
    green: "#16824f",
    yellow: "#9a6a00",
    blue: "#2f62c8",
    magenta: "#9c3cbf",
    cyan: "#16808d",
    white: "#c8ccd4",
    brightWhite: "#8a8f9b",
  },
};

export interface TerminalHandle {
  focus(): void;
  findNext(term: string): boolean;
  findPrevious(term: string): boolean;
  clearSearch(): void;
  reconnect(): void;
}

interface Props {
  sessionId: string;
  terminalId: string;
  active: boolean;
  /** Changes each time the session (re)enters running: a dropped terminal dials again at once. */
  wakeKey: number | null;
  onStatus: (status: ConnectionStatus) => void;
  onTitle?: (title: string) => void;
}

/**
 * One xterm bound to one terminal of the session. It owns its TerminalConnection; output bytes
 * go straight to xterm, keystrokes and size changes go back as frames. Mounted for as long as
 * its tab exists (hidden when inactive) so scrollback and the connection survive tab switches.
 */
export const TerminalView = forwardRef<TerminalHandle, Props>(function TerminalView(
  { sessionId, terminalId, active, wakeKey, onStatus, onTitle },
  ref,
) {
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const fitRef = useRef<FitAddon | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const connRef = useRef<TerminalConnection | null>(null);
  const theme = useResolvedTheme();
  const callbacks = useRef({ onStatus, onTitle });
  callbacks.current = { onStatus, onTitle };

  useImperativeHandle(ref, () => ({
    focus: () => termRef.current?.focus(),
    findNext: (q) => searchRef.current?.findNext(q, { caseSensitive: false }) ?? false,
    findPrevious: (q) => searchRef.current?.findPrevious(q, { caseSensitive: false }) ?? false,
    clearSearch: () => searchRef.current?.clearDecorations(),
    reconnect: () => connRef.current?.reconnectNow(),
  }));

  // biome-ignore lint/correctness/useExhaustiveDependencies: the theme is applied below without recreating the terminal
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const term = new Terminal({
      fontFamily: 'ui-monospace, "SF Mono", "Cascadia Code", "JetBrains Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      lineHeight: 1.2,
      cursorBlink: true,
      scrollback: 5000,
      allowProposedApi: true,
      theme: THEMES[theme],
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon((_e, uri) => window.open(uri, "_blank", "noopener,noreferrer")));
    term.open(host);
    safeFit(fit);
    termRef.current = term;
    fitRef.current = fit;
    searchRef.current = search;

    const conn = new TerminalConnection({
      url: () => terminalURL(sessionId, terminalId, term.cols, term.rows),
      onData: (data) => term.write(data),
      onReset: () => term.reset(),
      onStatus: (s) => {
        callbacks.current.onStatus(s);
        // The server may have a different size from before the drop.
        if (s === "connected") conn.resize(term.cols, term.rows);
      },
    });
    connRef.current = conn;
    const inputSub = term.onData((data) => conn.input(data));
    const binarySub = term.onBinary((data) => conn.input(data));
    const resizeSub = term.onResize(({ cols, rows }) => conn.resize(cols, rows));
    const titleSub = term.onTitleChange((t) => callbacks.current.onTitle?.(t));
    conn.connect();

    const observer = new ResizeObserver(() => safeFit(fit));
    observer.observe(host);
    return () => {
      observer.disconnect();
      inputSub.dispose();
      binarySub.dispose();
      resizeSub.dispose();
      titleSub.dispose();
      conn.dispose();
      term.dispose();
      termRef.current = null;
      connRef.current = null;
    };
  }, [sessionId, terminalId]);

  useEffect(() => {
    if (termRef.current) termRef.current.options.theme = THEMES[theme];
  }, [theme]);

  useEffect(() => {
    const conn = connRef.current;
    if (wakeKey !== null && conn && conn.currentStatus !== "connected") conn.reconnectNow();
  }, [wakeKey]);

  useEffect(() => {
    if (!active) return;
    // A hidden terminal has no size; fit once it is shown again.
    const t = requestAnimationFrame(() => {
      if (fitRef.current) safeFit(fitRef.current);
      termRef.current?.focus();
    });
    return () => cancelAnimationFrame(t);
  }, [active]);

  return <div ref={hostRef} className="terminal-host" data-terminal-id={terminalId} data-theme-mode={theme} />;
});

function safeFit(fit: FitAddon): void {
  // fit() throws or proposes 0×0 while the element is hidden; keep the last size then.
  const dims = fit.proposeDimensions();
  if (dims && dims.cols > 1 && dims.rows > 1 && Number.isFinite(dims.cols)) fit.fit();
}
