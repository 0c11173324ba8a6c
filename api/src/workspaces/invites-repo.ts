import { can } from "@burstflare/sdk/permissions";
import { signupInviteSchema } from "@burstflare/sdk/schemas/auth";
import { type Invite, inviteSchema } from "@burstflare/sdk/schemas/workspaces";
import { ROLES } from "@burstflare/sdk/states";
import { z } from "zod";
import { type BoundedTable, insertBounded } from "../lib/bounded-rows-repo";
import type { Db } from "../lib/db";
import { isoView, rowOf, withEpochTimes } from "../lib/rows";

/** Workspace invites and, with no workspace, operator-issued sign-up invites (the `invites` table). */

const INVITE_TIMES = ["createdAt", "expiresAt", "usedAt", "revokedAt"] as const;

/** An invites row as the Worker holds it: the contract's Invite but for its status, with its workspace and times in epoch ms. */
const storedInvite = withEpochTimes(inviteSchema.omit({ status: true }), INVITE_TIMES).extend({ workspaceId: z.string().nullable() });
export type StoredInvite = z.infer<typeof storedInvite>;

const InviteRow = rowOf(storedInvite);

function inviteStatus(r: StoredInvite, t: number): Invite["status"] {
  if (r.revokedAt) return "revoked";
  if (r.usedAt) return "used";
  if (r.expiresAt <= t) return "expired";
  return "pending";
}

/** The API form; `t` decides whether a pending invite has expired. */
export function toInvite(r: StoredInvite, t: number): Invite {
  return { ...isoView(inviteSchema.omit({ status: true }), INVITE_TIMES, r), status: inviteStatus(r, t) };
}

const COLUMNS = "id, workspace_id, email, role, created_by, created_at, expires_at, used_at, used_by, revoked_at";

/**
 * A workspace holds at most 100 pending invites (neither used, revoked nor expired) and keeps the
 * newest 100 that ended (insertBounded, api/src/lib/bounded-rows-repo.ts).
 */
export const INVITE_BOUNDS = {
  table: "invites",
  owner: "workspace_id",
  ended: "used_at IS NOT NULL OR revoked_at IS NOT NULL OR expires_at <= {at}",
  maxLive: 100,
  keepEnded: 100,
} satisfies BoundedTable;

/** Stores a workspace invite unless its workspace is at INVITE_BOUNDS.maxLive pending ones; false when refused. */
export function insertInvite(db: Db, r: StoredInvite, codeHash: string): Promise<boolean> {
  const row = {
    id: r.id,
    workspace_id: r.workspaceId,
    code_hash: codeHash,
    email: r.email,
    role: r.role,
    created_by: r.createdBy,
    created_at: r.createdAt,
    expires_at: r.expiresAt,
  };
  return insertBounded(db, INVITE_BOUNDS, row, r.createdAt);
}

/** The workspace's invites, newest first: all of them, since insertInvite keeps them within INVITE_BOUNDS. */
export async function listWorkspaceInvites(db: Db, workspaceId: string): Promise<StoredInvite[]> {
  return db.all(
    InviteRow,
    `SELECT ${COLUMNS} FROM invites WHERE workspace_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    workspaceId,
    INVITE_BOUNDS.maxLive + INVITE_BOUNDS.keepEnded,
  );
}

export async function findWorkspaceInvite(db: Db, workspaceId: string, inviteId: string): Promise<StoredInvite | null> {
  return db.one(InviteRow, `SELECT ${COLUMNS} FROM invites WHERE id = ? AND workspace_id = ?`, inviteId, workspaceId);
}

export async function markInviteRevoked(db: Db, inviteId: string, t: number): Promise<void> {
  await db.run("UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", t, inviteId);
}

/** A workspace invite by code, if its workspace is live. */
export async function findLiveWorkspaceInviteByCode(db: Db, codeHash: string): Promise<(StoredInvite & { workspaceId: string }) | null> {
  // The join keeps only invites of a workspace.
  const invite = await db.one(
    InviteRow,
    `SELECT i.id, i.workspace_id, i.email, i.role, i.created_by, i.created_at, i.expires_at, i.used_at, i.used_by, i.revoked_at
     FROM invites i JOIN workspaces w ON w.id = i.workspace_id AND w.deleted_at IS NULL
     WHERE i.code_hash = ?`,
    codeHash,
  );
  return invite?.workspaceId ? { ...invite, workspaceId: invite.workspaceId } : null;
}

const INVITER_ROLES = ROLES.filter((role) => can(role, "invites.manage"))
  .map((role) => `'${role}'`)
  .join(", ");

/**
 * A workspace invite speaks for its creator only while the creator could still make it: a member
 * whose role manages invites, and an owner for an owner invite (mayInvite in invites.ts says the
 * same). An operator's sign-up invite has no workspace.
 */
const CREATOR_CAN_STILL_INVITE = `(invites.workspace_id IS NULL OR EXISTS (
  SELECT 1 FROM memberships m
  WHERE m.workspace_id = invites.workspace_id AND m.user_id = invites.created_by
    AND m.role IN (${INVITER_ROLES}) AND (invites.role <> 'owner' OR m.role = 'owner')))`;

/**
 * The guard of every redemption (binds: the invite's id, the time): not used, not revoked, not
 * expired, and its creator could still make it (checked again here, after the route's own check,
 * for a demotion in between).
 */
const REDEEMABLE = `id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? AND ${CREATOR_CAN_STILL_INVITE}`;
/** Marks a redeemable invite used by a user (binds: the time, the user, the invite's id, the time). */
const CLAIM = `UPDATE invites SET used_at = ?, used_by = ? WHERE ${REDEEMABLE}`;

/** The claim of an invite for a caller's batch; it changes no row once the invite is used, revoked or expired. */
export const claimInviteStatement = (db: Db, inviteId: string, userId: string, t: number): D1PreparedStatement =>
  db.statement(CLAIM, t, userId, inviteId, t);

/**
 * Single use: the membership insert and the invite update share one transaction and the same
 * guard; false when the invite was used, revoked or expired in the meantime.
 */
export async function redeemWorkspaceInvite(db: Db, inviteId: string, userId: string, t: number): Promise<boolean> {
  const [inserted] = await db.batch([
    db.statement(
      `INSERT OR IGNORE INTO memberships (workspace_id, user_id, role, created_at)
       SELECT workspace_id, ?, role, ? FROM invites WHERE ${REDEEMABLE}`,
      userId,
      t,
      inviteId,
      t,
    ),
    claimInviteStatement(db, inviteId, userId, t),
  ]);
  return inserted === 1;
}

/** An invite that could admit a new account: `workspaceAlive` is false when its workspace is gone. */
const admissionInvite = rowOf(
  storedInvite
    .pick({ id: true, workspaceId: true, email: true, role: true, createdBy: true, expiresAt: true, usedAt: true, revokedAt: true })
    .extend({ workspaceAlive: z.boolean() }),
  { flags: ["workspaceAlive"], columns: { workspaceAlive: "ws_alive" } },
);

export async function findAdmissionInvite(db: Db, codeHash: string): Promise<z.infer<typeof admissionInvite> | null> {
  return db.one(
    admissionInvite,
    `SELECT i.id, i.workspace_id, i.email, i.role, i.created_by, i.expires_at, i.used_at, i.revoked_at,
            CASE WHEN i.workspace_id IS NULL THEN 1 ELSE EXISTS (SELECT 1 FROM workspaces w WHERE w.id = i.workspace_id AND w.deleted_at IS NULL) END AS ws_alive
     FROM invites i WHERE i.code_hash = ?`,
    codeHash,
  );
}

/** Claims an invite for a user; false when someone else used it in the meantime. */
export async function claimInviteRow(db: Db, inviteId: string, userId: string, t: number): Promise<boolean> {
  return db.returnsRow(`${CLAIM} RETURNING id`, t, userId, inviteId, t);
}

/** Undoes claimInviteRow for this user. */
export async function releaseInviteRow(db: Db, inviteId: string, userId: string): Promise<void> {
  await db.run("UPDATE invites SET used_at = NULL, used_by = NULL WHERE id = ? AND used_by = ?", inviteId, userId);
}

// --- sign-up invites (no workspace) ---

type SignupInvite = z.infer<typeof signupInviteSchema>;

const SignupInviteRow = rowOf(signupInviteSchema, { times: ["createdAt", "expiresAt", "usedAt"] });

export async function insertSignupInvite(
  db: Db,
  r: { id: string; codeHash: string; email: string | null; createdBy: string; createdAt: number; expiresAt: number },
): Promise<SignupInvite> {
  await db.run(
    "INSERT INTO invites (id, workspace_id, code_hash, email, role, created_by, created_at, expires_at) VALUES (?, NULL, ?, ?, 'owner', ?, ?, ?)",
    r.id,
    r.codeHash,
    r.email,
    r.createdBy,
    r.createdAt,
    r.expiresAt,
  );
  return SignupInviteRow.parse({ id: r.id, email: r.email, created_at: r.createdAt, expires_at: r.expiresAt, used_at: null });
}

/** Unrevoked sign-up invites, newest first (at most 200). */
export async function listSignupInvites(db: Db): Promise<SignupInvite[]> {
  return db.all(
    SignupInviteRow,
    "SELECT id, email, created_at, expires_at, used_at FROM invites WHERE workspace_id IS NULL AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 200",
  );
}

/** False when there is no unused, unrevoked sign-up invite with this id. */
export async function revokeSignupInvite(db: Db, inviteId: string, t: number): Promise<boolean> {
  return db.returnsRow(
    "UPDATE invites SET revoked_at = ? WHERE id = ? AND workspace_id IS NULL AND used_at IS NULL AND revoked_at IS NULL RETURNING id",
    t,
    inviteId,
  );
}

/** A sign-up invite by code, for an operator redeeming it as proof of their address. */
export async function findSignupInviteByCode(
  db: Db,
  codeHash: string,
): Promise<Pick<StoredInvite, "id" | "email" | "expiresAt" | "usedAt" | "revokedAt"> | null> {
  return db.one(
    rowOf(storedInvite.pick({ id: true, email: true, expiresAt: true, usedAt: true, revokedAt: true })),
    "SELECT id, email, expires_at, used_at, revoked_at FROM invites WHERE code_hash = ? AND workspace_id IS NULL",
    codeHash,
  );
}
