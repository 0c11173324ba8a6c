import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { previewVisitQuery } from "../../api/queries/preview";
import { Badge } from "../../components/Badge";
import { ExternalIcon, GlobeIcon, RefreshIcon } from "../../components/icons";
import { TextInput } from "../../components/TextInput";

interface Props {
  sessionId: string;
  previewPort: number | null;
}

/** The server's CSP sandbox for previews (api/src/preview/sandbox.ts), repeated on the frame in depth. */
const PREVIEW_SANDBOX = "allow-scripts allow-forms allow-popups allow-modals allow-downloads";

/**
 * The session's preview in an iframe on the session's own origin (`<label>.preview.<domain>`): the
 * API hands out a grant URL that the preview host trades for its own cookie, and the app runs there
 * sandboxed, sharing nothing with this origin. The path box lets you browse the app; reload asks
 * for a fresh visit; the port is the template's previewPort that the preview forwards to.
 */
export function PreviewPane({ sessionId, previewPort }: Props) {
  const [path, setPath] = useState("/");
  const [draft, setDraft] = useState("");
  const [visit, setVisit] = useState(0);
  const frame = useQuery({ ...previewVisitQuery(sessionId, path, visit), enabled: previewPort !== null });
  // A new tab goes through the app's own route, which frames the preview host for the tab.
  const tabURL = `/runtime/sessions/${encodeURIComponent(sessionId)}/preview${path}`;

  const reload = () => setVisit((n) => n + 1);

  return (
    <div className="pane preview-pane">
      <div className="pane-bar">
        <span className="pane-title row" style={{ gap: 6 }}>
          <GlobeIcon size={14} /> Preview
          <Badge data-testid="preview-port" title="Port inside the session">
            {previewPort ? `:${previewPort}` : "no port"}
          </Badge>
        </span>
        <div className="row" style={{ gap: 2, flexWrap: "nowrap" }}>
          <button
            type="button"
            className="icon-btn"
            aria-label="Reload preview"
            title="Reload"
            onClick={reload}
            data-testid="preview-reload"
          >
            <RefreshIcon size={14} />
          </button>
          <a
            className="icon-btn"
            href={tabURL}
            target="_blank"
            rel="noopener noreferrer"
            aria-label="Open preview in a new tab"
            title="Open in new tab"
          >
            <ExternalIcon size={14} />
          </a>
        </div>
      </div>
      <form
        className="preview-address"
        onSubmit={(e) => {
          e.preventDefault();
          setPath(`/${draft.trim().replace(/^\/+/, "")}`);
          setVisit((n) => n + 1);
        }}
      >
        <span className="subtle mono small">/</span>
        <TextInput label="Preview path" mono placeholder="path" value={draft} onValue={setDraft} />
      </form>
      <div className="preview-body">
        {previewPort && frame.data ? (
          <iframe
            className="preview-frame"
            key={frame.data.url}
            title="Session preview"
            src={frame.data.url}
            sandbox={PREVIEW_SANDBOX}
            data-testid="preview-frame"
            data-preview-origin={frame.data.origin}
          />
        ) : previewPort && frame.isError ? (
          <div className="pane-empty" data-testid="preview-error">
            <GlobeIcon size={28} />
            <span>The preview could not be opened.</span>
            <button type="button" className="btn" onClick={reload}>
              Try again
            </button>
          </div>
        ) : previewPort ? (
          <div className="pane-empty" data-testid="preview-loading">
            <GlobeIcon size={28} />
            <span className="small subtle">Opening the preview…</span>
          </div>
        ) : (
          <div className="pane-empty">
            <GlobeIcon size={28} />
            <span>This session's template has no preview port.</span>
            <span className="small subtle">
              Set <code>previewPort</code> in the template manifest to see your app here.
            </span>
          </div>
        )}
      </div>
    </div>
  );
}
