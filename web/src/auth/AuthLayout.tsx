import type { ReactNode } from "react";
import { Link } from "react-router";
import { BoltIcon } from "../components/icons";
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
