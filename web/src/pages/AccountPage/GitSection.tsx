import type { GitCredential } from "@burstflare/sdk/schemas/git";
import { useEffect, useState } from "react";
import { Form } from "../../components/FormField";
import { TrashButton } from "../../components/IconButton";
import { KeyIcon } from "../../components/icons";
import { ErrorState, Skeleton } from "../../components/states";
import { TextInput } from "../../components/TextInput";
import { timeAgo } from "../../components/time";
import { AccountSection } from "./AccountSection";

/**
 * The git token and the dotfiles repository of docs/git.md. The token field is write-only: the
 * API never answers a token, so the section shows its host, user name and when it was set.
 */
export interface GitProps {
  credential: GitCredential | null | undefined;
  dotfiles: { url: string; ref: string | null; updatedAt: string } | null | undefined;
  loading: boolean;
  error: unknown;
  busy: boolean;
  /** Bumped after each successful change, to empty the forms. */
  saved: number;
  onSetToken: (host: string, username: string | undefined, token: string) => void;
  onClearToken: () => void;
  onSetDotfiles: (url: string, ref: string | undefined) => void;
  onClearDotfiles: () => void;
}

export function GitSection(p: GitProps) {
  const [host, setHost] = useState("github.com");
  const [username, setUsername] = useState("");
  const [token, setToken] = useState("");
  const [url, setURL] = useState("");
  const [ref, setRef] = useState("");
  useEffect(() => {
    if (p.saved > 0) {
      setToken("");
      setURL("");
      setRef("");
    }
  }, [p.saved]);
  return (
    <AccountSection id="git" testId="git-section" icon={<KeyIcon />} title="Git and dotfiles">
      <p className="muted small">
        Your token is offered to git in your sessions for one host, through a credential helper: it is never written to the workspace and
        never shown again.
      </p>
      {p.error ? <ErrorState error={p.error} /> : null}
      {p.loading ? (
        <Skeleton lines={2} />
      ) : (
        <div className="account-row" data-testid="git-token-status">
          {p.credential ? (
            <>
              <span>
                Token for <strong className="mono">{p.credential.host}</strong> as <span className="mono">{p.credential.username}</span>,
                set {timeAgo(p.credential.updatedAt)}
              </span>
              <span className="spacer" />
              <TrashButton label="Clear git token" disabled={p.busy} onClick={p.onClearToken} />
            </>
          ) : (
            <span className="muted">No git token stored.</span>
          )}
        </div>
      )}
      <Form className="row" aria-label="Git credential" onSubmit={() => p.onSetToken(host.trim(), username.trim() || undefined, token)}>
        <TextInput label="Git host" required maxLength={253} value={host} onValue={setHost} />
        <TextInput label="Git user name" placeholder="x-access-token" maxLength={200} value={username} onValue={setUsername} />
        <TextInput label="Git token" mono type="password" autoComplete="off" required maxLength={4096} value={token} onValue={setToken} />
        <button type="submit" className="btn btn-sm btn-primary" disabled={p.busy}>
          {p.credential ? "Replace token" : "Save token"}
        </button>
      </Form>
      <div className="account-row" data-testid="dotfiles-status">
        {p.dotfiles ? (
          <>
            <span>
              Dotfiles from <span className="mono">{p.dotfiles.url}</span>
              {p.dotfiles.ref ? ` (${p.dotfiles.ref})` : ""}, set {timeAgo(p.dotfiles.updatedAt)}; applied on the first start of each new
              session
            </span>
            <span className="spacer" />
            <TrashButton label="Clear dotfiles" disabled={p.busy} onClick={p.onClearDotfiles} />
          </>
        ) : (
          <span className="muted">No dotfiles repository.</span>
        )}
      </div>
      <Form className="row" aria-label="Dotfiles source" onSubmit={() => p.onSetDotfiles(url.trim(), ref.trim() || undefined)}>
        <TextInput
          label="Dotfiles repository"
          mono
          placeholder="https://github.com/you/dotfiles.git"
          type="url"
          required
          maxLength={2000}
          value={url}
          onValue={setURL}
        />
        <TextInput label="Dotfiles ref" placeholder="branch or tag" maxLength={200} value={ref} onValue={setRef} />
        <button type="submit" className="btn btn-sm btn-primary" disabled={p.busy}>
          Save dotfiles
        </button>
      </Form>
    </AccountSection>
  );
}
