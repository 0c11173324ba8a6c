import { useState } from "react";
import { Link } from "react-router";
import { AuthLayout, PasskeySubmit } from "../../auth/AuthLayout";
import { FormField } from "../../components/FormField";
import { TextInput } from "../../components/TextInput";

interface Props {
  busy: boolean;
  error: unknown;
  onSignIn: (email: string) => void;
  /** The email field got focus: the moment to offer passkeys in its autofill. */
  onEmailFocus?: () => void;
}

export function SignInPageView({ busy, error, onSignIn, onEmailFocus }: Props) {
  const [email, setEmail] = useState("");
  return (
    <AuthLayout
      title="Sign in"
      subtitle="Use the passkey on this device, your phone or a security key."
      footer={
        <>
          New here? <Link to="/signup">Create an account</Link> · Lost your passkey? <Link to="/recover">Use a recovery code</Link>
        </>
      }
    >
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          onSignIn(email);
        }}
      >
        <FormField label="Email (optional)">
          {/* "webauthn" lets the browser offer passkeys right in this field's autofill. */}
          <TextInput type="email" name="email" autoComplete="username webauthn" value={email} onFocus={onEmailFocus} onValue={setEmail} />
        </FormField>
        <PasskeySubmit busy={busy} error={error}>
          Sign in with a passkey
        </PasskeySubmit>
      </form>
    </AuthLayout>
  );
}
