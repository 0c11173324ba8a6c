import type { FormEvent, KeyboardEvent, ReactNode, Ref } from "react";
import { createPortal } from "react-dom";

interface Props {
  /** The id of the dialog's heading (from useId), its accessible name. */
  titleId: string;
  /** Called on a press on the backdrop, and on Escape unless `onKeyDown` takes the keys. */
  onClose: () => void;
  className?: string;
  role?: "dialog" | "alertdialog";
  testId?: string;
  /** Given: the dialog is a <form> that submits here. */
  onSubmit?: (e: FormEvent<HTMLFormElement>) => void;
  onKeyDown?: (e: KeyboardEvent) => void;
  dialogRef?: Ref<HTMLDivElement>;
  children: ReactNode;
}

/** The one modal frame of the SPA: portalled to <body>, a backdrop that closes it, and the labelled modal box. */
export function DialogShell({
  titleId,
  onClose,
  className = "dialog",
  role = "dialog",
  testId,
  onSubmit,
  onKeyDown,
  dialogRef,
  children,
}: Props) {
  const box = {
    className,
    role,
    "aria-modal": true,
    "aria-labelledby": titleId,
    "data-testid": testId,
    onKeyDown: onKeyDown ?? ((e: KeyboardEvent) => e.key === "Escape" && onClose()),
  } as const;
  return createPortal(
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      {onSubmit ? (
        <form {...box} onSubmit={onSubmit}>
          {children}
        </form>
      ) : (
        <div ref={dialogRef} {...box}>
          {children}
        </div>
      )}
    </div>,
    document.body,
  );
}
