import { useRef, useState } from "react";
import { ExternalIcon, GlobeIcon, RefreshIcon } from "../../components/icons";

interface Props {
  sessionId: string;
  previewPort: number | null;
}

/** The server's CSP sandbox for previews (api/src/preview/sandbox.ts), repeated on the frame in depth. */
const PREVIEW_SANDBOX = "allow-scripts allow-forms allow-popups allow-modals allow-downloads";

/**
 * The session's preview route in an iframe. The path box lets you browse the app; reload re-requests
 * the current page; the port is the template's previewPort that the route forwards to. The route
 * redirects to a grant URL where the app runs sandboxed (api/src/preview/session-preview.ts), so the
 * previewed code never acts with our origin or the viewer's cookies.
 */
export function PreviewPane({ sessionId, previewPort }: Props) {
  const base = `/runtime/sessions/${encodeURIComponent(sessionId)}/preview/`;
  const [path, setPath] = useState("");
  const [draft, setDraft] = useState("");
  const [nonce, setNonce] = useState(0);
  const frameRef = useRef<HTMLIFrameElement>(null);
  const src = base + path.replace(/^\/+/, "");

  const reload = () => {
    try {
      frameRef.current?.contentWindow?.location.reload();
    } catch {
      // The sandboxed app has an opaque origin: load the route again (a fresh grant) instead.
      setNonce((n) => n + 1);
    }
  };

  return (
    <div className="pane preview-pane">
      <div className="pane-bar">
        <span className="pane-title row" style={{ gap: 6 }}>
          <GlobeIcon size={14} /> Preview
          <span className="badge" data-testid="preview-port" title="Port inside the session">
            {previewPort ? `:${previewPort}` : "no port"}
          </span>
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
            href={src}
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
          setPath(draft);
          setNonce((n) => n + 1);
        }}
      >
        <span className="subtle mono small">/</span>
        <input
          className="input mono"
          aria-label="Preview path"
          placeholder="path"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
      </form>
      <div className="preview-body">
        {previewPort ? (
          <iframe
            className="preview-frame"
            key={nonce}
            ref={frameRef}
            title="Session preview"
            src={src}
            sandbox={PREVIEW_SANDBOX}
            data-testid="preview-frame"
          />
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
