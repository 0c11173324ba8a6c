import { type ReactNode, useEffect, useId, useRef } from "react";
import { DialogShell } from "./DialogShell";

interface Props {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** Destructive actions get a red confirm button and focus starts on Cancel. */
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A modal confirmation: Escape or the backdrop cancels, Tab stays inside, focus returns where it was. */
export function ConfirmDialog({ open, title, children, confirmLabel, danger, busy, onConfirm, onCancel }: Props) {
  const titleId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement as HTMLElement | null;
    (danger ? cancelRef : confirmRef).current?.focus();
    return () => previous?.focus?.();
  }, [open, danger]);

  if (!open) return null;

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      onCancel();
    }
    if (e.key === "Tab") {
      const focusable = dialogRef.current?.querySelectorAll<HTMLElement>("button:not(:disabled), input, [tabindex]:not([tabindex='-1'])");
      if (!focusable?.length) return;
      const first = focusable[0]!;
      const last = focusable[focusable.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };

  return (
    <DialogShell titleId={titleId} onClose={onCancel} role="alertdialog" onKeyDown={onKeyDown} dialogRef={dialogRef}>
      <h2 id={titleId}>{title}</h2>
      {children && <div className="muted">{children}</div>}
      <div className="dialog-actions">
        <button ref={cancelRef} type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button
          ref={confirmRef}
          type="button"
          className={danger ? "btn btn-danger-solid" : "btn btn-primary"}
          onClick={onConfirm}
          disabled={busy}
        >
          {busy && <span className="spinner" aria-hidden />}
          {confirmLabel}
        </button>
      </div>
    </DialogShell>
  );
}

/**
 * Asks before removing `subject` (null: closed). Either button closes it through `onClose`;
 * confirming also hands the subject to `onConfirm`.
 */
export function ConfirmRemoval<T>({
  subject,
  onClose,
  onConfirm,
  ...dialog
}: Omit<Props, "open" | "danger" | "onConfirm" | "onCancel"> & {
  subject: T | null;
  onClose: () => void;
  onConfirm: (subject: T) => void;
}) {
  return (
    <ConfirmDialog
      {...dialog}
      open={subject !== null}
      danger
      onCancel={onClose}
      onConfirm={() => {
        onClose();
        if (subject !== null) onConfirm(subject);
      }}
    />
  );
}
