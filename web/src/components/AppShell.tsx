import { useState } from "react";
import { Link, NavLink, Outlet, useLocation, useMatches } from "react-router";
import { useIsOperator } from "../api/queries/admin";
import { AccountMenu } from "../auth/AccountMenu";
import { ThemeToggle } from "../theme/ThemeToggle";
import { HealthBadge } from "./HealthBadge";
import { ExpandButton } from "./IconButton";
import { BoltIcon, MenuIcon } from "./icons";
import { NAV_ITEMS } from "./nav-items";
import { ShortcutsDialog } from "./ShortcutsDialog";
import { useGoShortcuts } from "./use-go-shortcuts";
import { WorkspaceSwitcher } from "./WorkspaceSwitcher";

/** Route `handle` fields the shell understands. */
export interface ShellHandle {
  /** The page fills the whole main area with no padding or max width (the workbench). */
  fullBleed?: boolean;
}

export function AppShell() {
  const matches = useMatches();
  const fullBleed = matches.some((m) => (m.handle as ShellHandle | undefined)?.fullBleed);
  const isOperator = useIsOperator();
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();
  const items = NAV_ITEMS.filter((item) => !item.operatorOnly || isOperator);
  useGoShortcuts(items);

  return (
    <div className={`app-shell${navOpen ? " nav-open" : ""}${fullBleed ? " rail" : ""}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="app-brand">
        <Link to="/" className="brand" aria-label="BurstFlare home">
          <span className="brand-mark">
            <BoltIcon size={20} />
          </span>
          <span className="brand-text">BurstFlare</span>
        </Link>
      </div>
      <header className="app-header">
        <div className="app-header-left">
          <ExpandButton className="icon-btn nav-toggle" aria-label="Toggle navigation" expanded={navOpen} onExpanded={setNavOpen}>
            <MenuIcon />
          </ExpandButton>
          <WorkspaceSwitcher />
        </div>
        <div className="app-header-right">
          <HealthBadge />
          <ThemeToggle />
          <AccountMenu />
        </div>
      </header>
      <nav className="app-nav" aria-label="Main" key={location.pathname}>
        {items.map((item) => (
          <div key={item.to} className="nav-item">
            {item.section && <div className="nav-section">{item.section}</div>}
            <NavLink
              to={item.to}
              end={item.end}
              className={({ isActive }) => `nav-link${isActive ? " active" : ""}`}
              aria-label={item.label}
              onClick={() => setNavOpen(false)}
              title={item.shortcut ? `${item.label} (g ${item.shortcut})` : item.label}
            >
              <item.Icon size={17} />
              <span className="nav-label">{item.label}</span>
            </NavLink>
          </div>
        ))}
      </nav>
      <main id="main" className={`app-main${fullBleed ? " full-bleed" : ""}`} tabIndex={-1}>
        <Outlet />
      </main>
      <ShortcutsDialog />
    </div>
  );
}
