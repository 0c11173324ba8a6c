import type { MouseEventHandler, ReactNode } from "react";
import { TrashIcon } from "./icons";

interface Props {
  label: string;
  title?: string;
  disabled?: boolean;
  onClick: MouseEventHandler<HTMLButtonElement>;
}

/** A small square button showing only an icon; `label` is its accessible name. */
export function IconButton({ label, title, disabled, onClick, children }: Props & { children: ReactNode }) {
  return (
    <button type="button" className="icon-btn" aria-label={label} title={title} disabled={disabled} onClick={onClick}>
      {children}
    </button>
  );
}

/** The delete (remove, revoke, clear) button of a row: a trash icon, `label` naming what goes. */
export function TrashButton({ size, ...props }: Props & { size?: number }) {
  return (
    <IconButton {...props}>
      <TrashIcon size={size} />
    </IconButton>
  );
}
