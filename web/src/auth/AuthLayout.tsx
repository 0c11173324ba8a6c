import type { ReactNode } from "react";
import { Link } from "react-router";
import { BoltIcon } from "../components/icons";
import { ErrorState } from "../components/states";
import "./auth.css";

/** The frame of the signed-out pages: brand, one card, small print. */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="auth-screen">
      <div className="auth-card card">
        <Link to="/" className="brand auth-brand">
          <span className="brand-mark">
            <BoltIcon size={20} />
          </span>
          BurstFlare
        </Link>
        <h1>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
        {children}
      </div>
      {footer && <div className="auth-footer small muted">{footer}</div>}
    </div>
  );
}

/** The end of a passkey form: its error, then the submit button, which waits while the browser's passkey prompt is open. */
export function PasskeySubmit({ busy, error, children }: { busy: boolean; error: unknown; children: ReactNode }) {
  return (
    <>
      {error ? <ErrorState error={error} /> : null}
      <button type="submit" className="btn btn-primary btn-lg" disabled={busy}>
        {busy ? "Waiting for your passkey…" : children}
      </button>
    </>
  );
}
