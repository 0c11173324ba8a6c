import { useState } from "react";
import { Link } from "react-router";
import { AccountEmailField } from "../../auth/AccountEmailField";
import { AuthLayout } from "../../auth/AuthLayout";
import { Turnstile } from "../../auth/Turnstile";
import { FormField } from "../../components/FormField";
import { ErrorState } from "../../components/states";
import { TextInput } from "../../components/TextInput";

interface Props {
  turnstileSiteKey: string | null | undefined;
  onTurnstile: (t: string | undefined) => void;
  recovering: boolean;
  recoverError: unknown;
  recovered: { remainingRecoveryCodes: number } | undefined;
  onRecover: (email: string, code: string) => void;
  addingPasskey: boolean;
  passkeyError: unknown;
  passkeyAdded: boolean;
  onAddPasskey: () => void;
  onFinish: () => void;
}

export function RecoverPageView(p: Props) {
  const [email, setEmail] = useState("");
  const [code, setCode] = useState("");

  if (p.recovered) {
    return (
      <AuthLayout title="You're signed in" subtitle="That recovery code is now used up.">
        <p data-testid="recovery-remaining">
          You have <strong>{p.recovered.remainingRecoveryCodes}</strong> recovery codes left.
        </p>
        {p.passkeyAdded ? (
          <>
            <div className="alert alert-info" data-testid="passkey-added">
              New passkey saved. Next time, sign in with it.
            </div>
            <button type="button" className="btn btn-primary btn-lg" onClick={p.onFinish}>
              Continue
            </button>
          </>
        ) : (
          <>
            <p>Add a passkey for this device now so you don't need another recovery code next time.</p>
            {p.passkeyError ? <ErrorState error={p.passkeyError} /> : null}
            <button type="button" className="btn btn-primary btn-lg" onClick={p.onAddPasskey} disabled={p.addingPasskey}>
              {p.addingPasskey ? "Waiting for your passkey…" : "Add a passkey"}
            </button>
            <button type="button" className="btn btn-ghost" onClick={p.onFinish}>
              Not now
            </button>
          </>
        )}
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Recover your account"
      subtitle="Lost your passkeys? Sign in with one of the recovery codes you saved when you signed up."
      footer={<Link to="/signin">Back to sign in</Link>}
    >
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          p.onRecover(email, code);
        }}
      >
        <AccountEmailField value={email} onChange={setEmail} />
        <FormField label="Recovery code">
          <TextInput mono name="code" autoComplete="one-time-code" placeholder="XXXX-XXXX-XXXX" required value={code} onValue={setCode} />
        </FormField>
        <Turnstile siteKey={p.turnstileSiteKey} action="recover" onToken={p.onTurnstile} />
        {p.recoverError ? <ErrorState error={p.recoverError} /> : null}
        <button type="submit" className="btn btn-primary btn-lg" disabled={p.recovering}>
          {p.recovering ? "Checking…" : "Sign in with recovery code"}
        </button>
      </form>
    </AuthLayout>
  );
}
