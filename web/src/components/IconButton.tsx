import type { ComponentProps, MouseEventHandler, ReactNode } from "react";
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

/** A button that shows and hides something (the navigation, a menu); `aria-expanded` says which it is now. */
export function ExpandButton({
  expanded,
  onExpanded,
  ...props
}: Omit<ComponentProps<"button">, "type" | "onClick"> & { expanded: boolean; onExpanded: (expanded: boolean) => void }) {
  return <button type="button" {...props} aria-expanded={expanded} onClick={() => onExpanded(!expanded)} />;
}
