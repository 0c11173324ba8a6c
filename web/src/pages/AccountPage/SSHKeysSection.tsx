import type { SSHKey } from "@burstflare/sdk/schemas/auth";
import { useEffect, useState } from "react";
import { Badge } from "../../components/Badge";
import { TrashButton } from "../../components/IconButton";
import { KeyIcon } from "../../components/icons";
import { TextInput } from "../../components/TextInput";
import { timeAgo } from "../../components/time";
import { AccountList, type AccountListData, AccountRowText } from "./AccountList";
import { AccountSection } from "./AccountSection";

export interface SSHKeysProps extends AccountListData<SSHKey> {
  adding: boolean;
  added: boolean;
  onAdd: (key: { publicKey: string; name?: string }) => void;
  onDelete: (id: string) => void;
}

export function SSHKeysSection({ adding, added, onAdd, onDelete, ...data }: SSHKeysProps) {
  const [publicKey, setPublicKey] = useState("");
  const [name, setName] = useState("");
  useEffect(() => {
    if (added) {
      setPublicKey("");
      setName("");
    }
  }, [added]);
  const keyRow = (k: SSHKey) => (
    <li key={k.id} className="account-row" data-testid="ssh-key-row">
      <AccountRowText
        name={
          <>
            {k.name} {k.managed && <Badge tone="info">managed</Badge>}
          </>
        }
        actions={<TrashButton label={`Remove ${k.name}`} onClick={() => onDelete(k.id)} />}
      >
        <span className="small muted mono">
          {k.keyType} {k.fingerprint}
        </span>
        <span className="small muted">added {timeAgo(k.createdAt)}</span>
      </AccountRowText>
    </li>
  );
  return (
    <AccountSection id="ssh" testId="ssh-keys-section" icon={<KeyIcon />} title="SSH keys">
      <p className="muted small">
        Public keys allowed to SSH into your sessions. <code>flare ssh</code> adds its own key automatically (marked managed).
      </p>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          onAdd({ publicKey, name: name || undefined });
        }}
      >
        <textarea
          className="input mono"
          aria-label="Public key"
          placeholder="ssh-ed25519 AAAA… you@laptop"
          rows={3}
          required
          value={publicKey}
          onChange={(e) => setPublicKey(e.target.value)}
        />
        <div className="row">
          <TextInput label="Key name" placeholder="Name (defaults to the key comment)" maxLength={80} value={name} onValue={setName} />
          <button type="submit" className="btn btn-sm btn-primary" disabled={adding}>
            Add key
          </button>
        </div>
      </form>
      <AccountList {...data} empty="No SSH keys yet" renderRow={keyRow} />
    </AccountSection>
  );
}
