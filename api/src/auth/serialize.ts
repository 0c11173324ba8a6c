import type { ApiToken, AuthSessionInfo, Passkey, SSHKey, User, WorkspaceSummary } from "../../../sdk/schemas/auth";
import type { Role } from "../../../sdk/states";
import { iso } from "../lib/time";

/** Row shapes as stored in D1 and their API form. */
export interface UserRow {
  id: string;
  email: string;
  name: string | null;
  current_workspace_id: string | null;
  created_at: number;
}

export const toUser = (r: UserRow): User => ({ id: r.id, email: r.email, name: r.name, createdAt: iso(r.created_at)! });

export interface WorkspaceRow {
  id: string;
  name: string;
  personal: number;
  role: Role;
}

export const toWorkspace = (r: WorkspaceRow): WorkspaceSummary => ({ id: r.id, name: r.name, personal: r.personal === 1, role: r.role });

export interface PasskeyRow {
  id: string;
  user_id: string;
  public_key: string;
  counter: number;
  transports: string | null;
  device_type: string | null;
  backed_up: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export const toPasskey = (r: PasskeyRow): Passkey => ({
  id: r.id,
  name: r.name,
  deviceType: r.device_type,
  backedUp: r.backed_up === 1,
  createdAt: iso(r.created_at)!,
  lastUsedAt: iso(r.last_used_at),
});

export interface AuthSessionRow {
  id: string;
  kind: "browser" | "cli";
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_seen_at: number;
}

export const toAuthSession = (r: AuthSessionRow, currentId: string | null): AuthSessionInfo => ({
  id: r.id,
  kind: r.kind,
  userAgent: r.user_agent,
  ip: r.ip,
  createdAt: iso(r.created_at)!,
  lastSeenAt: iso(r.last_seen_at)!,
  current: r.id === currentId,
});

export interface ApiTokenRow {
  id: string;
  name: string;
  prefix: string;
  workspace_id: string | null;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
}

export const toApiToken = (r: ApiTokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  workspaceId: r.workspace_id,
  createdAt: iso(r.created_at)!,
  lastUsedAt: iso(r.last_used_at),
  expiresAt: iso(r.expires_at),
});

export interface SSHKeyRow {
  id: string;
  name: string;
  public_key: string;
  fingerprint: string;
  managed: number;
  created_at: number;
}

export const toSSHKey = (r: SSHKeyRow): SSHKey => ({
  id: r.id,
  name: r.name,
  keyType: r.public_key.split(" ")[0] ?? "",
  fingerprint: r.fingerprint,
  publicKey: r.public_key,
  managed: r.managed === 1,
  createdAt: iso(r.created_at)!,
});

export async function loadUser(db: D1Database, userId: string): Promise<UserRow | null> {
  return db
    .prepare("SELECT id, email, name, current_workspace_id, created_at FROM users WHERE id = ? AND deleted_at IS NULL")
    .bind(userId)
    .first<UserRow>();
}

export async function loadUserByEmail(db: D1Database, email: string): Promise<UserRow | null> {
  return db
    .prepare("SELECT id, email, name, current_workspace_id, created_at FROM users WHERE email = ? AND deleted_at IS NULL")
    .bind(email.toLowerCase())
    .first<UserRow>();
}

export async function loadWorkspace(db: D1Database, workspaceId: string, userId: string): Promise<WorkspaceRow | null> {
  return db
    .prepare(
      `SELECT w.id, w.name, w.personal, m.role FROM workspaces w JOIN memberships m ON m.workspace_id = w.id AND m.user_id = ?
       WHERE w.id = ? AND w.deleted_at IS NULL`,
    )
    .bind(userId, workspaceId)
    .first<WorkspaceRow>();
}
