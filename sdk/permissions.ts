import type { Role } from "./states";

/**
 * The one permission table. Every route names the action it performs and the
 * middleware checks the caller's workspace role against this table before any
 * read or write. Shared with the SPA so it can hide what a role cannot do.
 */
export const PERMISSIONS = {
  "workspace.read": ["owner", "admin", "member", "viewer"],
  "workspace.update": ["owner", "admin"],
  "workspace.delete": ["owner"],
  "workspace.transfer": ["owner"],
  "workspace.leave": ["owner", "admin", "member", "viewer"],
  "members.read": ["owner", "admin", "member", "viewer"],
  "members.manage": ["owner", "admin"],
  "invites.manage": ["owner", "admin"],
  "secrets.read": ["owner", "admin", "member"],
  "secrets.write": ["owner", "admin"],
  "plan.read": ["owner", "admin", "member", "viewer"],
  "audit.read": ["owner", "admin"],
  "usage.read": ["owner", "admin", "member", "viewer"],
  "templates.read": ["owner", "admin", "member", "viewer"],
  "templates.write": ["owner", "admin"],
  "builds.read": ["owner", "admin", "member", "viewer"],
  "builds.write": ["owner", "admin"],
  "sessions.read": ["owner", "admin", "member", "viewer"],
  "sessions.write": ["owner", "admin", "member"],
  "sessions.lifecycle": ["owner", "admin", "member"],
  "runtime.access": ["owner", "admin", "member"],
  "snapshots.read": ["owner", "admin", "member", "viewer"],
  "snapshots.write": ["owner", "admin", "member"],
  "shares.manage": ["owner", "admin", "member"],
  "export.create": ["owner", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export function can(role: Role, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}
