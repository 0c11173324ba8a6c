import { FormField } from "../components/FormField";

/** The account email row of the sign-up and recovery forms (autofilled as the passkey's username). */
export function AccountEmailField({ value, onChange }: { value: string; onChange: (email: string) => void }) {
  return (
    <FormField label="Email">
      <input
        className="input"
        type="email"
        name="email"
        autoComplete="username"
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </FormField>
  );
}
