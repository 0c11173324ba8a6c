import type { ComponentType, SVGProps } from "react";
import { ClockIcon, GaugeIcon, HammerIcon, HomeIcon, KeyIcon, LayersIcon, ServerIcon, SettingsIcon, ShieldIcon, UsersIcon } from "./icons";

/**
 * The sidebar. One entry per line so each area can add its page with a one-line edit;
 * `section` starts a labelled group, `operatorOnly` hides an entry from non-operators.
 */
export interface NavItem {
  to: string;
  label: string;
  Icon: ComponentType<SVGProps<SVGSVGElement> & { size?: number }>;
  section?: string;
  end?: boolean;
  operatorOnly?: boolean;
  /** `g` then this key jumps here. */
  shortcut?: string;
}

export const NAV_ITEMS: NavItem[] = [
  { to: "/", label: "Dashboard", Icon: HomeIcon, end: true, shortcut: "d" },
  { to: "/sessions", label: "Sessions", Icon: ServerIcon, shortcut: "s" },
  { to: "/templates", label: "Templates", Icon: LayersIcon, shortcut: "t" },
  { to: "/builds", label: "Builds", Icon: HammerIcon, shortcut: "b" },
  { to: "/workspace/settings", label: "Settings", Icon: SettingsIcon, section: "Workspace" },
  { to: "/workspace/members", label: "Members", Icon: UsersIcon },
  { to: "/workspace/secrets", label: "Secrets", Icon: KeyIcon },
  { to: "/workspace/usage", label: "Usage", Icon: GaugeIcon },
  { to: "/workspace/audit", label: "Audit log", Icon: ClockIcon },
  { to: "/admin", label: "Operator", Icon: ShieldIcon, section: "Operations", operatorOnly: true, shortcut: "o" },
];
