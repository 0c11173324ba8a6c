import type { ComponentProps, CSSProperties, ReactNode } from "react";

/** One labelled form row: the label text above its control (clicking the label focuses it). */
export function FormField({ label, style, children }: { label: ReactNode; style?: CSSProperties; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is passed as children, so it sits inside the label
    <label className="field" style={style}>
      <span className="field-label">{label}</span>
      {children}
    </label>
  );
}

/** A form the page handles: `onSubmit` runs instead of the browser's submit. */
export function Form({ onSubmit, ...props }: Omit<ComponentProps<"form">, "onSubmit"> & { onSubmit: () => void }) {
  return (
    <form
      {...props}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    />
  );
}
