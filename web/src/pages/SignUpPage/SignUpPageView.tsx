import type { AuthConfig } from "@burstflare/sdk/schemas/auth";
import { useState } from "react";
import { Link } from "react-router";
import { AccountEmailField } from "../../auth/AccountEmailField";
import { AuthLayout, PasskeySubmit } from "../../auth/AuthLayout";
import { RecoveryCodes } from "../../auth/RecoveryCodes";
import { Turnstile } from "../../auth/Turnstile";
import { FormField } from "../../components/FormField";
import { TextInput } from "../../components/TextInput";

interface Props {
  config: AuthConfig | undefined;
  initialInvite: string;
  busy: boolean;
  error: unknown;
  recoveryCodes: string[] | undefined;
  onTurnstile: (token: string | undefined) => void;
  onSubmit: (v: { email: string; name: string; inviteCode: string }) => void;
  onContinue: () => void;
}

export function SignUpPageView({ config, initialInvite, busy, error, recoveryCodes, onTurnstile, onSubmit, onContinue }: Props) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [inviteCode, setInviteCode] = useState(initialInvite);

  if (recoveryCodes) {
    return (
      <AuthLayout title="Your account is ready" subtitle="Your passkey is saved. One more thing before you start:">
        <RecoveryCodes codes={recoveryCodes} />
        <button type="button" className="btn btn-primary btn-lg" onClick={onContinue} data-testid="recovery-codes-saved">
          I saved my recovery codes — continue
        </button>
      </AuthLayout>
    );
  }

  const closed = config?.signupPolicy === "closed";
  const needsInvite = config?.signupPolicy === "invite-only";
  return (
    <AuthLayout
      title="Create your account"
      subtitle="BurstFlare uses passkeys: your device unlocks your account, there is no password to leak."
      footer={
        <>
          Already have an account? <Link to="/signin">Sign in</Link>
        </>
      }
    >
      {closed ? (
        <div className="alert alert-info">Sign-up is closed on this installation. Ask an operator for an account.</div>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            onSubmit({ email, name, inviteCode });
          }}
        >
          <AccountEmailField value={email} onChange={setEmail} />
          <FormField label="Name (optional)">
            <TextInput name="name" autoComplete="name" maxLength={80} value={name} onValue={setName} />
          </FormField>
          {(needsInvite || initialInvite) && (
            <FormField label="Invite code">
              <TextInput mono name="inviteCode" required={needsInvite} value={inviteCode} onValue={setInviteCode} />
              <span className="field-hint">During the beta you need an invite from an operator or a workspace.</span>
            </FormField>
          )}
          <Turnstile siteKey={config?.turnstileSiteKey} action="register" onToken={onTurnstile} />
          <PasskeySubmit busy={busy} error={error}>
            Create account with a passkey
          </PasskeySubmit>
        </form>
      )}
    </AuthLayout>
  );
}
