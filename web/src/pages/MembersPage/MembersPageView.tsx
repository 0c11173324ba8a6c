import type { Invite, Member } from "@burstflare/sdk/schemas/workspaces";
import { ROLES, type Role } from "@burstflare/sdk/states";
import { type FormEvent, useState } from "react";
import { Badge } from "../../components/Badge";
import { ConfirmRemoval } from "../../components/ConfirmDialog";
import { CopyButton } from "../../components/CopyButton";
import { DataTable } from "../../components/DataTable";
import { FormField } from "../../components/FormField";
import { TrashButton } from "../../components/IconButton";
import { PlusIcon, UsersIcon } from "../../components/icons";
import { Page } from "../../components/PageHeader";
import { Select } from "../../components/Select";
import { CardList, EmptyState, ErrorState } from "../../components/states";

interface Mutation<T> {
  run: (input: T) => void;
  pending: boolean;
  error: unknown;
}

interface NewInviteInput {
  email?: string;
  role: Role;
  expiresInHours: number;
}

interface Props {
  me: { userId: string; role: Role } | undefined;
  members: Member[] | undefined;
  membersLoading: boolean;
  membersError: unknown;
  invites: Invite[] | undefined;
  canManage: boolean;
  canInvite: boolean;
  /** The code of the invite just created, shown once. */
  createdCode: string | null;
  joinURL: (code: string) => string;
  changeRole: Mutation<{ userId: string; role: Role }>;
  removeMember: Mutation<string>;
  createInvite: Mutation<NewInviteInput>;
  revokeInvite: Mutation<string>;
}

const EXPIRY_CHOICES = [
  { hours: 24, label: "1 day" },
  { hours: 72, label: "3 days" },
  { hours: 168, label: "7 days" },
  { hours: 720, label: "30 days" },
];

/** Which roles `me` may hand out or take away: only owners touch the owner role. */
function assignableRoles(me: Role | undefined): readonly Role[] {
  return me === "owner" ? ROLES : ROLES.filter((r) => r !== "owner");
}

export function MembersPageView(p: Props) {
  const [removing, setRemoving] = useState<Member | null>(null);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [expires, setExpires] = useState(72);
  const roles = assignableRoles(p.me?.role);

  const onInvite = (e: FormEvent) => {
    e.preventDefault();
    p.createInvite.run({ email: email.trim() || undefined, role, expiresInHours: expires });
  };

  const canTouch = (m: Member) => p.canManage && (m.role !== "owner" || p.me?.role === "owner");

  return (
    <Page title="Members" description="Who can use this workspace, and what each role may do.">
      <CardList
        loading={p.membersLoading}
        error={p.membersError}
        skeletonLines={3}
        actionError={p.changeRole.error ?? p.removeMember.error}
      >
        <DataTable testId="members-table" columns={["Member", "Role", { label: "Joined", hideSm: true }]} actions>
          {(p.members ?? []).map((m) => (
            <tr key={m.userId} data-member={m.email}>
              <td>
                <div className="stack" style={{ gap: 2 }}>
                  <strong>
                    {m.name ?? m.email}
                    {m.userId === p.me?.userId && <span className="muted small"> (you)</span>}
                  </strong>
                  {m.name && <span className="small muted">{m.email}</span>}
                </div>
              </td>
              <td>
                {canTouch(m) ? (
                  <Select
                    label={`Role of ${m.email}`}
                    value={m.role}
                    disabled={p.changeRole.pending}
                    onValue={(role) => p.changeRole.run({ userId: m.userId, role: role as Role })}
                    options={roles.includes(m.role) ? roles : [m.role, ...roles]}
                  />
                ) : (
                  <Badge data-testid="member-role">{m.role}</Badge>
                )}
              </td>
              <td className="hide-sm muted">{new Date(m.joinedAt).toLocaleDateString()}</td>
              <td style={{ textAlign: "right" }}>
                {canTouch(m) && m.userId !== p.me?.userId && (
                  <TrashButton label={`Remove ${m.email}`} onClick={() => setRemoving(m)} size={15} />
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </CardList>

      {p.canInvite && (
        <section className="card">
          <h2>Invite someone</h2>
          <p className="muted">An invite code works once and expires. Bind it to an email to make sure only that person can use it.</p>
          <form className="row" style={{ alignItems: "flex-end" }} onSubmit={onInvite}>
            <FormField label="Email (optional)" style={{ flex: 2, minWidth: 220 }}>
              <input
                className="input"
                type="email"
                placeholder="teammate@example.com"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                data-testid="invite-email"
              />
            </FormField>
            <FormField label="Role">
              <Select value={role} onValue={(r) => setRole(r as Role)} options={roles} data-testid="invite-role" />
            </FormField>
            <FormField label="Expires in">
              <Select
                value={expires}
                onValue={(v) => setExpires(Number(v))}
                options={EXPIRY_CHOICES.map((c) => ({ value: c.hours, label: c.label }))}
              />
            </FormField>
            <button type="submit" className="btn btn-primary" disabled={p.createInvite.pending} data-testid="create-invite">
              <PlusIcon size={14} /> Create invite
            </button>
          </form>
          {p.createInvite.error ? <ErrorState error={p.createInvite.error} /> : null}
          {p.createdCode && (
            <div className="alert alert-info" style={{ marginTop: "1rem", flexDirection: "column", alignItems: "stretch" }}>
              <strong>Share this code now: it is not shown again.</strong>
              <div className="code-copy">
                <code data-testid="invite-code">{p.createdCode}</code>
                <CopyButton text={p.createdCode} label="Copy invite code" />
              </div>
              <div className="code-copy">
                <code data-testid="invite-link">{p.joinURL(p.createdCode)}</code>
                <CopyButton text={p.joinURL(p.createdCode)} label="Copy invite link" />
              </div>
            </div>
          )}
        </section>
      )}

      {p.canInvite && (
        <section className="card" style={{ padding: 0 }}>
          <div className="card-header" style={{ padding: "1rem 1.25rem 0" }}>
            <h2>Invites</h2>
          </div>
          {!p.invites?.length ? (
            <EmptyState icon={<UsersIcon size={28} />} title="No invites yet" />
          ) : (
            <DataTable testId="invites-table" columns={["For", "Role", "Status", { label: "Expires", hideSm: true }]} actions>
              {p.invites.map((i) => (
                <tr key={i.id} data-invite={i.id}>
                  <td>{i.email ?? <span className="muted">anyone with the code</span>}</td>
                  <td>{i.role}</td>
                  <td>
                    <Badge tone={i.status === "pending" ? "info" : i.status === "used" ? "ok" : undefined}>{i.status}</Badge>
                  </td>
                  <td className="hide-sm muted">{new Date(i.expiresAt).toLocaleString()}</td>
                  <td style={{ textAlign: "right" }}>
                    {i.status === "pending" && (
                      <button
                        type="button"
                        className="btn btn-sm"
                        disabled={p.revokeInvite.pending}
                        onClick={() => p.revokeInvite.run(i.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </section>
      )}

      <ConfirmRemoval
        subject={removing}
        title={`Remove ${removing?.email}?`}
        confirmLabel="Remove"
        busy={p.removeMember.pending}
        onClose={() => setRemoving(null)}
        onConfirm={(member) => p.removeMember.run(member.userId)}
      >
        They lose access to this workspace at once.
      </ConfirmRemoval>
    </Page>
  );
}
