import { ROLES, type Role } from "@burstflare/sdk/states";
import { z } from "zod";
import type { Db } from "../lib/db";
import { rowOf } from "../lib/rows";

/** A user's git token row: the sealed token with the host and user name git is given. */
const gitCredentialRecord = z.object({
  host: z.string(),
  username: z.string(),
  ciphertext: z.string(),
  iv: z.string(),
  updatedAt: z.number(),
});
type GitCredentialRecord = z.infer<typeof gitCredentialRecord>;

const dotfilesRecord = z.object({ url: z.string(), ref: z.string().nullable(), updatedAt: z.number() });
type DotfilesRecord = z.infer<typeof dotfilesRecord>;

interface SessionDotfilesRun {
  url: string;
  status: "applied" | "failed";
  output: string;
  at: number;
}

const credentialRow = rowOf(gitCredentialRecord);

const dotfilesRow = rowOf(dotfilesRecord);

const runRow = z.object({ url: z.string(), status: z.enum(["applied", "failed"]), output: z.string(), at: z.number() });

export async function upsertGitCredential(
  db: Db,
  userId: string,
  value: { host: string; username: string; ciphertext: string; iv: string },
  at: number,
): Promise<void> {
  await db.run(
    `INSERT INTO user_git_credentials (user_id, host, username, ciphertext, iv, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET host = excluded.host, username = excluded.username, ciphertext = excluded.ciphertext,
       iv = excluded.iv, updated_at = excluded.updated_at`,
    userId,
    value.host,
    value.username,
    value.ciphertext,
    value.iv,
    at,
    at,
  );
}

export function findGitCredential(db: Db, userId: string): Promise<GitCredentialRecord | null> {
  return db.one(credentialRow, "SELECT host, username, ciphertext, iv, updated_at FROM user_git_credentials WHERE user_id = ?", userId);
}

export async function deleteGitCredentialRow(db: Db, userId: string): Promise<boolean> {
  return (await db.run("DELETE FROM user_git_credentials WHERE user_id = ?", userId)) > 0;
}

/** The user's role in a live workspace, while both they and the workspace exist; null otherwise. */
export async function findLiveMembershipRole(db: Db, userId: string, workspaceId: string): Promise<Role | null> {
  return db.value(
    "role",
    z.enum(ROLES),
    `SELECT m.role FROM memberships m
     JOIN workspaces w ON w.id = m.workspace_id AND w.deleted_at IS NULL
     JOIN users u ON u.id = m.user_id AND u.deleted_at IS NULL
     WHERE m.workspace_id = ? AND m.user_id = ?`,
    workspaceId,
    userId,
  );
}

export function findUserDotfiles(db: Db, userId: string): Promise<DotfilesRecord | null> {
  return db.one(dotfilesRow, "SELECT url, ref, updated_at FROM user_dotfiles WHERE user_id = ?", userId);
}

export async function upsertUserDotfiles(db: Db, userId: string, url: string, ref: string | null, at: number): Promise<void> {
  await db.run(
    `INSERT INTO user_dotfiles (user_id, url, ref, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET url = excluded.url, ref = excluded.ref, updated_at = excluded.updated_at`,
    userId,
    url,
    ref,
    at,
  );
}

export async function deleteUserDotfiles(db: Db, userId: string): Promise<void> {
  await db.run("DELETE FROM user_dotfiles WHERE user_id = ?", userId);
}

/** Keeps the last dotfiles run of a session, for its startup card. */
export async function upsertSessionDotfilesRun(db: Db, sessionId: string, run: SessionDotfilesRun): Promise<void> {
  await db.run(
    `INSERT INTO session_dotfiles (session_id, url, status, output, at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (session_id) DO UPDATE SET url = excluded.url, status = excluded.status, output = excluded.output, at = excluded.at`,
    sessionId,
    run.url,
    run.status,
    run.output,
    run.at,
  );
}

export function findSessionDotfilesRun(db: Db, sessionId: string): Promise<SessionDotfilesRun | null> {
  return db.one(runRow, "SELECT url, status, output, at FROM session_dotfiles WHERE session_id = ?", sessionId);
}

/** Whose a session is and in which workspace (dotfiles are the owner's). */
export function findSessionOwnership(db: Db, sessionId: string): Promise<{ ownerId: string; workspaceId: string } | null> {
  return db.one(
    rowOf(z.object({ ownerId: z.string(), workspaceId: z.string() })),
    "SELECT owner_id, workspace_id FROM sessions WHERE id = ?",
    sessionId,
  );
}
