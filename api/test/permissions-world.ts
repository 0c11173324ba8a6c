import { env } from "cloudflare:workers";
import type { Role } from "../../sdk/states";
import { issueAuthSession } from "../src/auth/auth-sessions";
import { hashToken, newSecret, TOKEN_PREFIX } from "../src/auth/tokens";
import { newId } from "../src/lib/crypto";
import { hashInviteCode } from "../src/workspaces/invites";
import { sealSecret } from "../src/workspaces/secrets";
import { createTestUser, type TestUser } from "./helpers/users";

/**
 * The world every permission-table run starts from, seeded straight into D1/R2: workspace A
 * with one user per role plus resources of every kind, and workspace B whose owner must not
 * reach A's resources. A fresh world per run keeps one route's writes (a delete, a role
 * change) from leaking into the next run.
 */

export type Actor = Role | "other" | "operator";

/** Resources owned by workspace A: the same id for every actor. */
export type WorkspaceKind =
  | "workspace"
  | "template"
  | "version"
  | "build"
  | "session"
  | "snapshot"
  | "secret"
  | "invite"
  | "member"
  | "upload";
/** Resources owned by a user: each actor gets its own; "other" is handed A's owner's. */
export type UserKind = "authSession" | "sshKey" | "apiToken" | "passkey";
export type ResourceKind = WorkspaceKind | UserKind;

export const USER_KINDS: readonly UserKind[] = ["authSession", "sshKey", "apiToken", "passkey"];

export interface World {
  a: Record<Role, TestUser>;
  other: TestUser;
  operator: TestUser;
  /** A plain member of A that member-management routes act on, so the actor itself is untouched. */
  target: TestUser;
  ids: Record<WorkspaceKind, string>;
  /** The plaintext code of the seeded pending invite of A. */
  inviteCode: string;
  userResource(kind: UserKind, user: TestUser): Promise<string>;
  user(actor: Actor): TestUser;
}

let operatorUser: Promise<TestUser> | undefined;
/** Emails are unique and a file shares one database, so there is one operator per file. */
function operator(): Promise<TestUser> {
  operatorUser ??= createTestUser({ email: "operator@example.com" });
  return operatorUser;
}

export const SEEDED_SECRET_NAME = "PERMISSION_SECRET";

async function seedWorkspaceResources(owner: TestUser, target: TestUser, inviteCode: string): Promise<Record<WorkspaceKind, string>> {
  const ws = owner.workspaceId;
  const t = Date.now();
  const ids = {
    workspace: ws,
    template: newId("tpl"),
    version: newId("tv"),
    build: newId("bld"),
    session: newId("ses"),
    snapshot: newId("snp"),
    secret: SEEDED_SECRET_NAME,
    invite: newId("inv"),
    member: target.userId,
    upload: newId("upg"),
  } satisfies Record<WorkspaceKind, string>;
  const manifest = JSON.stringify({ persistedPaths: ["."] });
  const snapshotKey = `permissions/${ids.snapshot}.tar.gz`;
  const sealed = await sealSecret(env, ws, SEEDED_SECRET_NAME, "value");
  await env.DB.batch([
    // A team workspace, so ownership transfer and delete are possible at all.
    env.DB.prepare("UPDATE workspaces SET personal = 0, name = 'Workspace A' WHERE id = ?").bind(ws),
    env.DB.prepare(
      "INSERT INTO templates (id, workspace_id, name, description, active_version_id, created_by, created_at, updated_at) VALUES (?, ?, ?, 'seeded', ?, ?, ?, ?)",
    ).bind(ids.template, ws, `perm-${ids.template.slice(-6).toLowerCase()}`, ids.version, owner.userId, t, t),
    env.DB.prepare(
      "INSERT INTO template_versions (id, template_id, workspace_id, version, manifest, status, created_by, created_at) VALUES (?, ?, ?, '1.0.0', ?, 'uploaded', ?, ?)",
    ).bind(ids.version, ids.template, ws, manifest, owner.userId, t),
    env.DB.prepare(
      "INSERT INTO template_releases (id, template_id, version_id, kind, actor_id, created_at) VALUES (?, ?, ?, 'promote', ?, ?)",
    ).bind(newId("rel"), ids.template, ids.version, owner.userId, t),
    env.DB.prepare(
      "INSERT INTO template_builds (id, workspace_id, template_id, version_id, status, attempts, error, created_at, updated_at, finished_at) VALUES (?, ?, ?, ?, 'failed', 1, 'seeded', ?, ?, ?)",
    ).bind(ids.build, ws, ids.template, ids.version, t, t, t),
    env.DB.prepare(
      "INSERT INTO sessions (id, workspace_id, owner_id, name, template_id, version_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'stopped', ?, ?)",
    ).bind(
      ids.session,
      ws,
      owner.userId,
      `perm-${ids.session
        .slice(-6)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "x")}`,
      ids.template,
      ids.version,
      t,
      t,
    ),
    env.DB.prepare(
      "INSERT INTO snapshots (id, session_id, workspace_id, kind, status, r2_key, bytes, sha256, created_by, created_at, completed_at) VALUES (?, ?, ?, 'manual', 'ready', ?, 4, 'seeded', ?, ?, ?)",
    ).bind(ids.snapshot, ids.session, ws, snapshotKey, owner.userId, t, t),
    env.DB.prepare(
      "INSERT INTO workspace_secrets (id, workspace_id, name, ciphertext, iv, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).bind(newId("sec"), ws, SEEDED_SECRET_NAME, sealed.ciphertext, sealed.iv, t, t),
    env.DB.prepare(
      "INSERT INTO invites (id, workspace_id, code_hash, role, created_by, created_at, expires_at) VALUES (?, ?, ?, 'member', ?, ?, ?)",
    ).bind(ids.invite, ws, await hashInviteCode(inviteCode), owner.userId, t, t + 86_400_000),
    env.DB.prepare(
      "INSERT INTO upload_grants (id, workspace_id, version_id, user_id, max_bytes, created_at, expires_at) VALUES (?, ?, ?, ?, 1048576, ?, ?)",
    ).bind(ids.upload, ws, ids.version, owner.userId, t, t + 3_600_000),
  ]);
  await env.BUCKET.put(snapshotKey, new Uint8Array([31, 139, 8, 0]));
  return ids;
}

/** User-scoped rows are made on demand, once per user and kind. */
async function seedUserResource(kind: UserKind, user: TestUser): Promise<string> {
  const t = Date.now();
  switch (kind) {
    case "authSession":
      return (await issueAuthSession(env, { userId: user.userId, kind: "browser", workspaceId: user.workspaceId })).id;
    case "sshKey": {
      const id = newId("ssh");
      await env.DB.prepare("INSERT INTO ssh_keys (id, user_id, name, public_key, fingerprint, created_at) VALUES (?, ?, 'seeded', ?, ?, ?)")
        .bind(id, user.userId, `ssh-ed25519 AAAA${id}`, `SHA256:${id}`, t)
        .run();
      return id;
    }
    case "apiToken": {
      const id = newId("tok");
      const token = newSecret(TOKEN_PREFIX.api);
      await env.DB.prepare(
        "INSERT INTO api_tokens (id, user_id, workspace_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, 'seeded', ?, ?, ?)",
      )
        .bind(id, user.userId, user.workspaceId, await hashToken(token), token.slice(0, 8), t)
        .run();
      return id;
    }
    case "passkey": {
      const id = newId("pk");
      await env.DB.prepare("INSERT INTO passkeys (id, user_id, public_key, name, created_at) VALUES (?, ?, 'AAAA', 'seeded', ?)")
        .bind(id, user.userId, t)
        .run();
      return id;
    }
  }
}

export async function seedWorld(): Promise<World> {
  const owner = await createTestUser();
  const ws = owner.workspaceId;
  const [admin, member, viewer, target, other, op] = await Promise.all([
    createTestUser({ workspaceId: ws, role: "admin" }),
    createTestUser({ workspaceId: ws, role: "member" }),
    createTestUser({ workspaceId: ws, role: "viewer" }),
    createTestUser({ workspaceId: ws, role: "member" }),
    createTestUser(),
    operator(),
  ]);
  const inviteCode = `bfi_${newId("perm")}`;
  const ids = await seedWorkspaceResources(owner, target, inviteCode);
  const a = { owner, admin, member, viewer };
  const cache = new Map<string, Promise<string>>();
  return {
    a,
    other,
    operator: op,
    target,
    ids,
    inviteCode,
    userResource(kind, user) {
      const key = `${kind}:${user.userId}`;
      let id = cache.get(key);
      if (!id) {
        id = seedUserResource(kind, user);
        cache.set(key, id);
      }
      return id;
    },
    user(actor) {
      if (actor === "other") return other;
      if (actor === "operator") return op;
      return a[actor];
    },
  };
}
