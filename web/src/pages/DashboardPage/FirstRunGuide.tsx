import { Badge } from "../../components/Badge";
import { BoltIcon, CheckIcon, CodeIcon, GlobeIcon, TerminalIcon } from "../../components/icons";
import { errorLine } from "../../components/states";

interface Props {
  busy: boolean;
  error: unknown;
  onStart: () => void;
}

/**
 * The new user's path to a running session: one button creates a session from the built-in
 * starter and opens the workbench, which starts it and shows each boot phase.
 */
export function FirstRunGuide({ busy, error, onStart }: Props) {
  return (
    <section className="card first-run" data-testid="first-run-guide">
      <div className="first-run-copy">
        <Badge tone="accent">
          <BoltIcon size={12} /> Get started
        </Badge>
        <h2>Your first dev environment is one click away</h2>
        <p className="muted">
          The starter template gives you a Linux shell, an editor and a Node.js web server already running on its preview port — ready in
          seconds.
        </p>
        <ol className="first-run-steps">
          <li className="first-run-step done">
            <span className="step-mark">
              <CheckIcon size={12} />
            </span>
            <span>Create your account with a passkey</span>
          </li>
          <li className="first-run-step">
            <span className="step-mark">2</span>
            <span>Start a session from the starter template</span>
          </li>
          <li className="first-run-step">
            <span className="step-mark">3</span>
            <span>
              Code in the <TerminalIcon size={13} /> terminal, <CodeIcon size={13} /> editor and <GlobeIcon size={13} /> live preview
            </span>
          </li>
        </ol>
        <div className="row">
          <button type="button" className="btn btn-primary btn-lg" onClick={onStart} disabled={busy} data-testid="start-first-session">
            {busy ? <span className="spinner" aria-hidden /> : <BoltIcon size={16} />}
            Start your first session
          </button>
          <span className="small subtle">
            or <code>flare session up</code> from the CLI
          </span>
        </div>
        {error ? (
          <p className="small" role="alert" style={{ color: "var(--bad)" }}>
            {errorLine(error)}
          </p>
        ) : null}
      </div>
      <div className="first-run-art" aria-hidden>
        <div className="art-window">
          <div className="art-dots">
            <span className="art-dot" />
            <span className="art-dot" />
            <span className="art-dot" />
          </div>
          <pre>
            <span className="art-prompt">~/workspace $</span> node server.js{"\n"}
            starter listening on 3000{"\n"}
            <span className="art-prompt">~/workspace $</span> echo $((6*7)){"\n"}
            42{"\n"}
            <span className="art-prompt">~/workspace $</span> <span className="art-cursor" />
          </pre>
        </div>
      </div>
    </section>
  );
}
