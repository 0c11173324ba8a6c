import { FormField } from "../components/FormField";
import { TextInput } from "../components/TextInput";

/** The account email row of the sign-up and recovery forms (autofilled as the passkey's username). */
export function AccountEmailField({ value, onChange }: { value: string; onChange: (email: string) => void }) {
  return (
    <FormField label="Email">
      <TextInput type="email" name="email" autoComplete="username" required value={value} onValue={onChange} />
    </FormField>
  );
}
