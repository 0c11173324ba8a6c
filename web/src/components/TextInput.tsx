import type { InputHTMLAttributes, Ref } from "react";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "className" | "value" | "onChange"> & {
  /** Bound state: the current text and its setter (the input always shows `value`). */
  value: string;
  onValue: (value: string) => void;
  /** The accessible name when no visible <FormField> label wraps the input. */
  label?: string;
  /** Monospace text (codes, URLs, paths, names used on the command line). */
  mono?: boolean;
  small?: boolean;
  ref?: Ref<HTMLInputElement>;
};

/** The one text input of the SPA: the `.input` styling and a controlled value, so each form states only what differs. */
export function TextInput({ value, onValue, label, mono, small, ...rest }: Props) {
  const className = ["input", small && "input-sm", mono && "mono"].filter(Boolean).join(" ");
  return <input className={className} aria-label={label} value={value} onChange={(e) => onValue(e.target.value)} {...rest} />;
}
