import type { SelectHTMLAttributes } from "react";

/** A choice: its value, shown as is, or a value with its own label. */
type SelectOption = string | { value: string | number; label: string };

type Props = Omit<SelectHTMLAttributes<HTMLSelectElement>, "className" | "value" | "onChange" | "children"> & {
  value: string | number;
  /** The chosen option's value (always a string, as the DOM gives it). */
  onValue: (value: string) => void;
  options: readonly SelectOption[];
  /** A first choice with the empty value ("All states", "Anyone"). */
  none?: string;
  /** The accessible name when no visible <FormField> label wraps the select. */
  label?: string;
  small?: boolean;
};

/** The one drop-down of the SPA: the styling, a controlled value and the option list, so each form states only its choices. */
export function Select({ value, onValue, options, none, label, small, ...rest }: Props) {
  return (
    <select
      className={small ? "input input-sm" : "select"}
      aria-label={label}
      value={value}
      onChange={(e) => onValue(e.target.value)}
      {...rest}
    >
      {none !== undefined && <option value="">{none}</option>}
      {options.map((o) => {
        const { value: v, label: text } = typeof o === "string" ? { value: o, label: o } : o;
        return (
          <option key={v} value={v}>
            {text}
          </option>
        );
      })}
    </select>
  );
}
