import type { MouseEventHandler, ReactNode } from "react";

/** A small square button showing only an icon; `label` is its accessible name. */
export function IconButton({
  label,
  title,
  disabled,
  onClick,
  children,
}: {
  label: string;
  title?: string;
  disabled?: boolean;
  onClick: MouseEventHandler<HTMLButtonElement>;
  children: ReactNode;
}) {
  return (
    <button type="button" className="icon-btn" aria-label={label} title={title} disabled={disabled} onClick={onClick}>
      {children}
    </button>
  );
}
