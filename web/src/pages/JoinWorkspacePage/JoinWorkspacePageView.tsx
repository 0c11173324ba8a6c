import { type FormEvent, useState } from "react";
import { ApiError } from "../../api/client";
import { FormField } from "../../components/FormField";
import { UsersIcon } from "../../components/icons";
import { PageHeader } from "../../components/PageHeader";
import { ErrorState } from "../../components/states";
import { TextInput } from "../../components/TextInput";

interface Props {
  initialCode: string;
  pending: boolean;
  error: unknown;
  joined: { name: string; role: string } | null;
  onJoin: (code: string) => void;
  onContinue: () => void;
}

/** Invite errors in the words of what happened; the server's code decides which. */
function inviteProblem(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const reason = (error.details as { reason?: string } | undefined)?.reason;
  if (error.code === "gone" && reason === "expired") return "This invite has expired. Ask for a new one.";
  if (error.code === "gone" && reason === "used") return "This invite was already used.";
  if (error.code === "gone" && reason === "revoked") return "This invite was revoked.";
  if (error.code === "forbidden") return "This invite is for a different email address than the one you are signed in with.";
  if (error.code === "conflict") return "You are already a member of this workspace.";
  if (error.code === "not_found") return "That invite code was not recognised.";
  return null;
}

export function JoinWorkspacePageView({ initialCode, pending, error, joined, onJoin, onContinue }: Props) {
  const [code, setCode] = useState(initialCode);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (code.trim()) onJoin(code.trim());
  };
  const problem = inviteProblem(error);

  return (
    <div className="stack" style={{ gap: "1.25rem", maxWidth: 560 }}>
      <PageHeader title="Join a workspace" description="Paste the invite code someone shared with you." />
      {joined ? (
        <section className="card stack" data-testid="join-success">
          <p>
            You joined <strong>{joined.name}</strong> as <strong>{joined.role}</strong>. It is now your current workspace.
          </p>
          <div>
            <button type="button" className="btn btn-primary" onClick={onContinue}>
              Go to the dashboard
            </button>
          </div>
        </section>
      ) : (
        <form className="card stack" onSubmit={submit}>
          <FormField label="Invite code">
            <TextInput mono value={code} onValue={setCode} placeholder="bfi_…" maxLength={128} data-testid="join-code" />
          </FormField>
          {problem ? (
            <div className="alert alert-error" role="alert" data-testid="join-error">
              {problem}
            </div>
          ) : error ? (
            <ErrorState error={error} />
          ) : null}
          <div>
            <button type="submit" className="btn btn-primary" disabled={pending || !code.trim()} data-testid="join-submit">
              <UsersIcon size={14} /> Join workspace
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
