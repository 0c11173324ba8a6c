import type { SessionDetail } from "@burstflare/sdk/schemas/sessions";
import { lazy, type ReactNode, Suspense, useEffect, useState } from "react";
import { Link } from "react-router";
import type { EventStreamStatus } from "../../api/session-events";
import { Badge } from "../../components/Badge";
import { ArrowLeftIcon, CodeIcon, GlobeIcon, InfoIcon, TerminalIcon } from "../../components/icons";
import { SessionControls } from "../../components/SessionControls";
import { SessionStateBadge } from "../../components/SessionStateBadge";
import { SplitPane, type SplitPaneLayout } from "../../components/SplitPane";
import { EditorArea } from "../../modules/editor/EditorArea";
import { FileTree } from "../../modules/editor/FileTree";
import { useOpenFiles } from "../../modules/editor/use-open-files";
import { PreviewPane } from "../../modules/preview/PreviewPane";

const TerminalPanel = lazy(() => import("../../modules/terminal/TerminalPanel"));

/** The panes in the bar's order; Alt+1/2/3 toggle them. */
const PANES = [
  { name: "files", label: "Files", Icon: CodeIcon },
  { name: "terminal", label: "Terminal", Icon: TerminalIcon },
  { name: "preview", label: "Preview", Icon: GlobeIcon },
] as const;
type PaneName = (typeof PANES)[number]["name"];

/** The workbench's splits in one table (sizes in px, each remembered under "wb-<pane>"); a hidden pane collapses its fixed side. */
const SPLITS = {
  files: { direction: "row", fixed: "first", initialSize: 240, minSize: 160, minRest: 480, label: "Resize file tree" },
  preview: { direction: "row", fixed: "second", initialSize: 440, minSize: 240, minRest: 320, label: "Resize preview" },
  terminal: { direction: "column", fixed: "second", initialSize: 300, minRest: 120, label: "Resize terminal" },
} satisfies Record<PaneName, Omit<SplitPaneLayout, "storageKey">>;

function usePanes() {
  const [shown, setShown] = useState<Record<PaneName, boolean>>(() => {
    try {
      return { files: true, terminal: true, preview: true, ...JSON.parse(localStorage.getItem("bf-workbench-panes") ?? "{}") };
    } catch {
      return { files: true, terminal: true, preview: true };
    }
  });
  useEffect(() => {
    try {
      localStorage.setItem("bf-workbench-panes", JSON.stringify(shown));
    } catch {}
  }, [shown]);
  const toggle = (p: PaneName) => setShown((s) => ({ ...s, [p]: !s[p] }));
  useEffect(() => {
    // Alt+1/2/3 toggle the panes from anywhere, terminal and editor included.
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const pane = PANES.find((_, i) => e.code === `Digit${i + 1}`)?.name;
      if (pane) {
        e.preventDefault();
        setShown((s) => ({ ...s, [pane]: !s[pane] }));
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, []);
  return { shown, toggle };
}

interface Props {
  session: SessionDetail;
  streamStatus: EventStreamStatus;
  canLifecycle: boolean;
  onDeleted: () => void;
  /** The Share button for the preview, when the caller may manage links. */
  share?: ReactNode;
  /** The ports menu (web/src/modules/ports/PortsMenu.tsx). */
  ports?: ReactNode;
  /** The wake screen while the session is not running; null when it runs. */
  children: ReactNode;
}

/**
 * The IDE: files | editor over terminal | preview, every boundary resizable. Once the session has
 * run during this visit the IDE stays mounted (dimmed under an overlay while it stops or restarts),
 * so unsaved edits and terminal scrollback are not thrown away by a state change.
 */
export function WorkbenchPageView({ session, streamStatus, canLifecycle, onDeleted, share, ports, children }: Props) {
  const running = session.state === "running";
  const [everRunning, setEverRunning] = useState(running);
  useEffect(() => {
    if (running) setEverRunning(true);
  }, [running]);
  const { shown, toggle } = usePanes();

  return (
    <div className="workbench" data-testid="workbench" data-session-state={session.state}>
      <div className="workbench-bar">
        <Link to={`/sessions/${session.id}`} className="icon-btn" aria-label="Session details" title="Session details">
          <ArrowLeftIcon size={15} />
        </Link>
        <span className="workbench-name mono">{session.name}</span>
        <SessionStateBadge state={session.state} />
        {streamStatus === "reconnecting" && <Badge tone="warn">live updates paused</Badge>}
        <span className="spacer" />
        <div className="segmented" role="group" aria-label="Panes">
          {PANES.map(({ name, label, Icon }, i) => (
            <PaneToggle
              key={name}
              label={label}
              keys={`Alt+${i + 1}`}
              pressed={shown[name]}
              onClick={() => toggle(name)}
              icon={<Icon size={14} />}
            />
          ))}
        </div>
        <Link to={`/sessions/${session.id}`} className="icon-btn hide-sm" aria-label="About this session" title="About this session">
          <InfoIcon size={15} />
        </Link>
        {ports}
        {share}
        <SessionControls session={session} compact onDeleted={onDeleted} canLifecycle={canLifecycle} />
      </div>
      <div className="workbench-body">
        {everRunning ? <Ide session={session} shown={shown} /> : children}
        {everRunning && !running && <div className="workbench-overlay">{children}</div>}
      </div>
    </div>
  );
}

function PaneToggle({
  label,
  keys,
  pressed,
  onClick,
  icon,
}: {
  label: string;
  keys: string;
  pressed: boolean;
  onClick: () => void;
  icon: ReactNode;
}) {
  return (
    <button type="button" className="segmented-btn" aria-pressed={pressed} onClick={onClick} title={`${label} (${keys})`}>
      {icon}
      <span className="hide-sm">&nbsp;{label}</span>
    </button>
  );
}

function Ide({ session, shown }: { session: SessionDetail; shown: Record<PaneName, boolean> }) {
  const editor = useOpenFiles(session.id);
  const split = (p: PaneName) => ({ ...SPLITS[p], storageKey: `wb-${p}`, collapsed: shown[p] ? null : SPLITS[p].fixed });

  const editorArea = <EditorArea editor={editor} />;
  const terminal = (
    <Suspense fallback={<div className="pane pane-loading">Loading terminal…</div>}>
      <TerminalPanel sessionId={session.id} wakeKey={session.state === "running" ? session.stateVersion : null} />
    </Suspense>
  );
  return (
    <SplitPane {...split("files")}>
      <FileTree
        sessionId={session.id}
        activePath={editor.activePath}
        onOpen={(p) => editor.open(p)}
        onRenamed={editor.renamed}
        onDeleted={editor.deleted}
      />
      <SplitPane {...split("preview")}>
        <SplitPane {...split("terminal")}>
          {editorArea}
          {terminal}
        </SplitPane>
        <PreviewPane sessionId={session.id} previewPort={session.previewPort} />
      </SplitPane>
    </SplitPane>
  );
}
