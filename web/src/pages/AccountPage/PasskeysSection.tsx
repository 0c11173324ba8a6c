import type { Passkey } from "@burstflare/sdk/schemas/auth";
import { useState } from "react";
import { IconButton, TrashButton } from "../../components/IconButton";
import { KeyIcon, PencilIcon, PlusIcon } from "../../components/icons";
import { TextInput } from "../../components/TextInput";
import { timeAgo } from "../../components/time";
import { AccountList, type AccountListData, AccountRowText } from "./AccountList";
import { AccountSection } from "./AccountSection";

export interface PasskeysProps extends AccountListData<Passkey> {
  adding: boolean;
  onAdd: (name: string | undefined) => void;
  onRename: (id: string, name: string) => void;
  onDelete: (id: string) => void;
}

export function PasskeysSection({ adding, onAdd, onRename, onDelete, ...data }: PasskeysProps) {
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const last = (data.list?.length ?? 0) <= 1;
  return (
    <AccountSection
      id="passkeys"
      testId="passkeys-section"
      icon={<KeyIcon />}
      title="Passkeys"
      action={
        <button type="button" className="btn btn-sm" onClick={() => onAdd(undefined)} disabled={adding}>
          <PlusIcon /> {adding ? "Waiting for your passkey…" : "Add a passkey"}
        </button>
      }
    >
      <AccountList
        {...data}
        testId="passkey-list"
        renderRow={(p) => (
          <li key={p.id} className="account-row" data-testid="passkey-row">
            {editing === p.id ? (
              <form
                className="row"
                onSubmit={(e) => {
                  e.preventDefault();
                  onRename(p.id, draft);
                  setEditing(null);
                }}
              >
                <TextInput label="Passkey name" value={draft} maxLength={80} onValue={setDraft} />
                <button type="submit" className="btn btn-sm btn-primary">
                  Save
                </button>
                <button type="button" className="btn btn-sm btn-ghost" onClick={() => setEditing(null)}>
                  Cancel
                </button>
              </form>
            ) : (
              <AccountRowText
                name={p.name}
                actions={
                  <>
                    <IconButton
                      label={`Rename ${p.name}`}
                      onClick={() => {
                        setEditing(p.id);
                        setDraft(p.name);
                      }}
                    >
                      <PencilIcon />
                    </IconButton>
                    <TrashButton
                      label={`Delete ${p.name}`}
                      title={last ? "Add another passkey before deleting your last one" : "Delete"}
                      disabled={last}
                      onClick={() => onDelete(p.id)}
                    />
                  </>
                }
              >
                <span className="small muted">
                  Added {timeAgo(p.createdAt)} · {p.lastUsedAt ? `last used ${timeAgo(p.lastUsedAt)}` : "never used"}
                  {p.backedUp ? " · synced" : ""}
                </span>
              </AccountRowText>
            )}
          </li>
        )}
      />
    </AccountSection>
  );
}
