import { Link, Outlet } from "react-router";
import { HealthBadge } from "./HealthBadge";

export function AppShell() {
  return (
    <div className="app-shell">
      <header className="app-header">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden>
            ⚡
          </span>{" "}
          BurstFlare
        </Link>
        <HealthBadge />
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}
