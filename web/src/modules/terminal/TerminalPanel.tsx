import { useQuery } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { meQuery } from "../../api/queries/auth";
import { Badge, type Tone } from "../../components/Badge";
import { IconButton } from "../../components/IconButton";
import { CloseIcon, PlusIcon, RefreshIcon, SearchIcon } from "../../components/icons";
import { type TerminalHandle, TerminalView } from "./TerminalView";
import { type ConnectionStatus, terminalId } from "./terminal-connection";

interface Tab {
  id: string;
  title: string;
}

const STATUS_TONE: Record<ConnectionStatus, Tone> = {
  connecting: "info",
  connected: "ok",
  reconnecting: "warn",
  offline: "bad",
};

/**
 * Terminal tabs of one session. Each tab is its own terminal id on the WebSocket query, so each
 * has its own shell on the runtime; all stay mounted so switching tabs keeps their output.
 * A terminal belongs to whoever opened it (the runtime refuses anyone else), so tab ids carry
 * the user's id: two members of a workspace never ask for the same terminal.
 */
export default function TerminalPanel({ sessionId, wakeKey }: { sessionId: string; wakeKey: number | null }) {
  const me = useQuery(meQuery());
  if (!me.data) return <div className="pane terminal-panel" />;
  return <TerminalTabs sessionId={sessionId} wakeKey={wakeKey} userId={me.data.user.id} />;
}

function TerminalTabs({ sessionId, wakeKey, userId }: { sessionId: string; wakeKey: number | null; userId: string }) {
  const mainId = terminalId(userId, "main");
  const [tabs, setTabs] = useState<Tab[]>([{ id: mainId, title: "shell" }]);
  const [activeId, setActiveId] = useState(mainId);
  const [statuses, setStatuses] = useState<Record<string, ConnectionStatus>>({});
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState("");
  const handles = useRef(new Map<string, TerminalHandle>());
  const counter = useRef(1);

  const status = statuses[activeId] ?? "connecting";
  const active = handles.current.get(activeId);

  const addTab = useCallback(() => {
    counter.current += 1;
    const id = terminalId(userId, `t${counter.current}`);
    setTabs((prev) => [...prev, { id, title: `shell ${counter.current}` }]);
    setActiveId(id);
  }, [userId]);

  const closeTab = (id: string) => {
    if (tabs.length === 1) return;
    const index = tabs.findIndex((t) => t.id === id);
    const next = tabs.filter((t) => t.id !== id);
    setTabs(next);
    if (id === activeId) setActiveId(next[Math.max(0, index - 1)]!.id);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.shiftKey && e.key.toLowerCase() === "f") {
      e.preventDefault();
      setSearchOpen(true);
    } else if (mod && e.shiftKey && e.key === "`") {
      e.preventDefault();
      addTab();
    }
  };

  return (
    <div className="pane terminal-panel" onKeyDown={onKeyDown}>
      <div className="pane-bar">
        <div className="tabs" role="tablist" aria-label="Terminals">
          {tabs.map((t) => (
            <div key={t.id} className="tab" role="presentation" data-active={t.id === activeId}>
              <button type="button" role="tab" aria-selected={t.id === activeId} className="tab-btn" onClick={() => setActiveId(t.id)}>
                <span className={`status-dot status-${statuses[t.id] ?? "connecting"}`} aria-hidden />
                {t.title}
              </button>
              {tabs.length > 1 && (
                <button type="button" className="tab-close" aria-label={`Close ${t.title}`} onClick={() => closeTab(t.id)}>
                  <CloseIcon size={12} />
                </button>
              )}
            </div>
          ))}
          <IconButton label="New terminal" title="New terminal (Ctrl+Shift+`)" onClick={addTab}>
            <PlusIcon size={14} />
          </IconButton>
        </div>
        <div className="row" style={{ gap: 4, flexWrap: "nowrap" }}>
          <Badge tone={STATUS_TONE[status]} data-testid="connection-status" aria-live="polite" title="Terminal connection">
            {status}
          </Badge>
          {status !== "connected" && (
            <IconButton label="Reconnect now" title="Reconnect now" onClick={() => active?.reconnect()}>
              <RefreshIcon size={14} />
            </IconButton>
          )}
          <IconButton label="Search terminal" title="Search (Ctrl+Shift+F)" onClick={() => setSearchOpen((v) => !v)}>
            <SearchIcon size={14} />
          </IconButton>
        </div>
      </div>
      {searchOpen && (
        <form
          className="terminal-search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            active?.findNext(query);
          }}
        >
          <input
            className="input"
            // biome-ignore lint/a11y/noAutofocus: opened on request by the user
            autoFocus
            placeholder="Find in terminal"
            aria-label="Find in terminal"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              active?.findNext(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                setSearchOpen(false);
                active?.clearSearch();
                active?.focus();
              } else if (e.key === "Enter" && e.shiftKey) {
                e.preventDefault();
                active?.findPrevious(query);
              }
            }}
          />
          <button type="submit" className="btn btn-sm">
            Next
          </button>
          <button type="button" className="btn btn-sm" onClick={() => active?.findPrevious(query)}>
            Previous
          </button>
        </form>
      )}
      <div className="terminal-stack">
        {tabs.map((t) => (
          <div key={t.id} className="terminal-slot" hidden={t.id !== activeId} role="tabpanel">
            <TerminalView
              ref={(h) => {
                if (h) handles.current.set(t.id, h);
                else handles.current.delete(t.id);
              }}
              sessionId={sessionId}
              terminalId={t.id}
              active={t.id === activeId}
              wakeKey={wakeKey}
              onStatus={(s) => setStatuses((prev) => ({ ...prev, [t.id]: s }))}
              onTitle={(title) => title && setTabs((prev) => prev.map((x) => (x.id === t.id ? { ...x, title: title.slice(0, 24) } : x)))}
            />
          </div>
        ))}
      </div>
    </div>
  );
}
