import type { ApiToken } from "@burstflare/sdk/schemas/auth";
import { useState } from "react";
import { CopyButton } from "../../components/CopyButton";
import { TrashButton } from "../../components/IconButton";
import { CodeIcon } from "../../components/icons";
import { Select } from "../../components/Select";
import { TextInput } from "../../components/TextInput";
import { timeAgo } from "../../components/time";
import { AccountList, type AccountListData, AccountRowText } from "./AccountList";
import { AccountSection } from "./AccountSection";

/** How long a new token lives, in days; the empty value never expires. */
const TOKEN_LIFETIMES = [
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "", label: "Never" },
];

export interface TokensProps extends AccountListData<ApiToken> {
  created: string | undefined;
  creating: boolean;
  onCreate: (name: string, expiresInDays: number | undefined) => void;
  onRevoke: (id: string) => void;
}

export function TokensSection({ created, creating, onCreate, onRevoke, ...data }: TokensProps) {
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const tokenRow = (t: ApiToken) => (
    <li key={t.id} className="account-row" data-testid="api-token-row">
      <AccountRowText name={t.name} actions={<TrashButton label={`Revoke ${t.name}`} onClick={() => onRevoke(t.id)} />}>
        <span className="small muted">
          <code>{t.prefix}…</code> · created {timeAgo(t.createdAt)} · {t.lastUsedAt ? `used ${timeAgo(t.lastUsedAt)}` : "never used"} ·{" "}
          {t.expiresAt ? `expires ${new Date(t.expiresAt).toLocaleDateString()}` : "never expires"}
        </span>
      </AccountRowText>
    </li>
  );
  return (
    <AccountSection id="tokens" testId="tokens-section" icon={<CodeIcon />} title="API tokens">
      <p className="muted small">
        For scripts and CI: send as <code>Authorization: Bearer …</code>. Tokens act in your current workspace.
      </p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          onCreate(name, days ? Number(days) : undefined);
          setName("");
        }}
      >
        <TextInput label="Token name" placeholder="Token name, e.g. ci" required maxLength={80} value={name} onValue={setName} />
        <Select label="Expires" value={days} onValue={setDays} options={TOKEN_LIFETIMES} />
        <button type="submit" className="btn btn-sm btn-primary" disabled={creating}>
          Create token
        </button>
      </form>
      {created && (
        <div className="alert alert-warn stack" role="status">
          <span>Copy this token now; it will not be shown again.</span>
          <div className="code-copy">
            <code data-testid="new-api-token">{created}</code>
            <CopyButton text={created} label="Copy token" />
          </div>
        </div>
      )}
      <AccountList {...data} empty="No API tokens" renderRow={tokenRow} />
    </AccountSection>
  );
}
