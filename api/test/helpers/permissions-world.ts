import { env } from "cloudflare:workers";
import type { Role } from "@burstflare/sdk/states";
import { issueApiToken } from "../../src/auth/api-tokens";
import { insertPasskey } from "../../src/auth/passkeys-repo";
import { issueSignIn } from "../../src/auth/sign-ins";
import { insertSSHKey } from "../../src/auth/ssh-keys-repo";
import { exportWorkspace } from "../../src/exports/workspace-export";
import { newId, sha256Hex } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { createGrant } from "../../src/templates/grants";
import { hashInviteCode } from "../../src/workspaces/invites";
import { insertSignupInvite } from "../../src/workspaces/invites-repo";
import { sealSecret } from "../../src/workspaces/secrets";
import { createOperator } from "./operator";
import { targz } from "./tar";
import { createTestUser, type TestUser } from "./users";

/**
 * The world every permission-table run starts from, seeded straight into D1/R2: workspace A
 * with one user per role plus resources of every kind, and workspace B whose owner must not
 * reach A's resources. A fresh world per run keeps one route's writes (a delete, a role
 * change) from leaking into the next run.
 */

export type Actor = Role | "other" | "operator";

/** Rows of workspace A seeded up front: the same id for every actor. */
export type WorkspaceKind =
  | "workspace"
  | "template"
  | "version"
  | "pendingVersion"
  | "build"
  | "session"
  | "snapshot"
  | "secret"
  | "invite"
  | "member";
/** Made on first use: shared by every actor. */
export type LazyKind = "export" | "signupInvite";
/** Made on first use, one per actor ("other" is handed A's owner's): the row is bound to its user. */
export type UserKind = "signIn" | "sshKey" | "apiToken" | "passkey" | "upload";
export type ResourceKind = WorkspaceKind | LazyKind | UserKind;

export const USER_KINDS: readonly UserKind[] = ["signIn", "sshKey", "apiToken", "passkey", "upload"];
export const isUserKind = (k: ResourceKind): k is UserKind => (USER_KINDS as readonly string[]).includes(k);

export interface World {
  a: Record<Role, TestUser>;
  other: TestUser;
  operator: TestUser;
  /** A plain member of A that member-management routes act on, so the actor itself is untouched. */
  target: TestUser;
  ids: Record<WorkspaceKind, string>;
  /** The plaintext code of the seeded pending invite of A. */
  inviteCode: string;
  /** The id of a resource of `kind`; user-bound kinds belong to `user`. */
  resource(kind: ResourceKind, user: TestUser): Promise<string>;
  user(actor: Actor): TestUser;
}

let operatorUser: Promise<TestUser> | undefined;
/** Emails are unique and a file shares one database, so there is one operator per file. */
function operator(): Promise<TestUser> {
  operatorUser ??= createOperator();
  return operatorUser;
}

export const SEEDED_SECRET_NAME = "PERMISSION_SECRET";

/** A syntactically valid, random OpenSSH ed25519 public key line. */
export function randomSSHPublicKey(): string {
  const enc = new TextEncoder();
  const type = enc.encode("ssh-ed25519");
  const key = crypto.getRandomValues(new Uint8Array(32));
  const blob = new Uint8Array(4 + type.length + 4 + key.length);
  const view = new DataView(blob.buffer);
  view.setUint32(0, type.length);
  blob.set(type, 4);
  view.setUint32(4 + type.length, key.length);
  blob.set(key, 8 + type.length);
  return `ssh-ed25519 ${btoa(String.fromCharCode(...blob))} perm@test`;
}

async function seedWorkspaceResources(owner: TestUser, target: TestUser, inviteCode: string): Promise<Record<WorkspaceKind, string>> {
  const ws = owner.workspaceId;
  const t = Date.now();
  const ids = {
    workspace: ws,
    template: newId("tpl"),
    version: newId("tv"),
    pendingVersion: newId("tv"),
    build: newId("bld"),
    session: newId("ses"),
    snapshot: newId("snp"),
    secret: SEEDED_SECRET_NAME,
    invite: newId("inv"),
    member: target.userId,
  } satisfies Record<WorkspaceKind, string>;
  const manifest = JSON.stringify({ persistedPaths: ["."] });
  const keys = {
    snapshot: `permissions/${ids.snapshot}.tar.gz`,
    log: `permissions/${ids.build}.log`,
    artifact: `permissions/${ids.build}.tar.gz`,
  };
  const slug = (id: string) =>
    `perm-${id
      .slice(-8)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "x")}`;
  const sealed = await sealSecret(env, ws, SEEDED_SECRET_NAME, "value");
  // A real archive with its real hash: session starts restore it and copies verify it.
  const snapshotBytes = await targz([{ name: "perm.txt", content: "seeded\n" }]);
  const snapshotSHA = await sha256Hex(snapshotBytes);
  await env.DB.batch([
    // A team workspace, so ownership transfer and delete are possible at all.
    env.DB.prepare("UPDATE workspaces SET personal = 0, name = 'Workspace A' WHERE id = ?").bind(ws),
    env.DB.prepare(
      "INSERT INTO templates (id, workspace_id, name, description, active_version_id, created_by, created_at, updated_at) VALUES (?, ?, ?, 'seeded', ?, ?, ?, ?)",
    ).bind(ids.template, ws, slug(ids.template), ids.version, owner.userId, t, t),
    env.DB.prepare(
      "INSERT INTO template_versions (id, template_id, workspace_id, version, manifest, status, created_by, created_at) VALUES (?, ?, ?, '1.0.0', ?, 'uploaded', ?, ?)",
    ).bind(ids.version, ids.template, ws, manifest, owner.userId, t),
    env.DB.prepare(
      "INSERT INTO template_versions (id, template_id, workspace_id, version, manifest, status, created_by, created_at) VALUES (?, ?, ?, '2.0.0', ?, 'awaiting_upload', ?, ?)",
    ).bind(ids.pendingVersion, ids.template, ws, manifest, owner.userId, t),
    env.DB.prepare(
      "INSERT INTO template_releases (id, template_id, version_id, kind, actor_id, created_at) VALUES (?, ?, ?, 'promote', ?, ?)",
    ).bind(newId("rel"), ids.template, ids.version, owner.userId, t),
    env.DB.prepare(
      `INSERT INTO template_builds (id, workspace_id, template_id, version_id, status, attempts, error, log_key, artifact_key, created_at, updated_at, finished_at)
       VALUES (?, ?, ?, ?, 'failed', 1, 'seeded', ?, ?, ?, ?, ?)`,
    ).bind(ids.build, ws, ids.template, ids.version, keys.log, keys.artifact, t, t, t),
    env.DB.prepare(
      "INSERT INTO sessions (id, workspace_id, owner_id, name, template_id, version_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'stopped', ?, ?)",
    ).bind(ids.session, ws, owner.userId, slug(ids.session), ids.template, ids.version, t, t),
    env.DB.prepare(
      `INSERT INTO snapshots (id, session_id, workspace_id, kind, status, r2_key, bytes, sha256, created_by, created_at, completed_at)
       VALUES (?, ?, ?, 'manual', 'ready', ?, ?, ?, ?, ?, ?)`,
    ).bind(ids.snapshot, ids.session, ws, keys.snapshot, snapshotBytes.byteLength, snapshotSHA, owner.userId, t, t),
    env.DB.prepare(
      "INSERT INTO workspace_secrets (id, workspace_id, name, ciphertext, iv, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).bind(newId("sec"), ws, SEEDED_SECRET_NAME, sealed.ciphertext, sealed.iv, t, t),
    env.DB.prepare(
      "INSERT INTO invites (id, workspace_id, code_hash, role, created_by, created_at, expires_at) VALUES (?, ?, ?, 'member', ?, ?, ?)",
    ).bind(ids.invite, ws, await hashInviteCode(inviteCode), owner.userId, t, t + 86_400_000),
  ]);
  await Promise.all([
    env.BUCKET.put(keys.snapshot, snapshotBytes),
    env.BUCKET.put(keys.log, "seeded build log\n"),
    env.BUCKET.put(keys.artifact, new Uint8Array([31, 139, 8, 0])),
  ]);
  return ids;
}

async function seedLazy(kind: LazyKind, owner: TestUser): Promise<string> {
  switch (kind) {
    case "export":
      return (await exportWorkspace(env, owner.workspaceId, owner.userId)).id;
    case "signupInvite": {
      const t = Date.now();
      const invite = await insertSignupInvite(dbOf(env), {
        id: newId("inv"),
        codeHash: await hashInviteCode(newId("signup")),
        email: null,
        createdBy: owner.userId,
        createdAt: t,
        expiresAt: t + 86_400_000,
      });
      return invite.id;
    }
  }
}

async function seedUserResource(kind: UserKind, user: TestUser, ids: Record<WorkspaceKind, string>): Promise<string> {
  const t = Date.now();
  switch (kind) {
    case "signIn":
      return (await issueSignIn(env, { userId: user.userId, kind: "browser", workspaceId: user.workspaceId })).id;
    case "sshKey": {
      const id = newId("ssh");
      const k = { id, name: "seeded", publicKey: randomSSHPublicKey(), fingerprint: `SHA256:${id}`, managed: false, createdAt: t };
      return (await insertSSHKey(dbOf(env), user.userId, k)).id;
    }
    case "apiToken":
      return (await issueApiToken(env, user.userId, { name: "seeded", workspaceId: user.workspaceId, expiresAt: null }, t)).apiToken.id;
    case "passkey": {
      const id = newId("pk");
      const passkey = {
        id,
        publicKey: "AAAA",
        counter: 0,
        transports: undefined,
        deviceType: "singleDevice",
        backedUp: false,
        name: "seeded",
      };
      await insertPasskey(dbOf(env), user.userId, passkey, t);
      return id;
    }
    case "upload":
      return (
        await createGrant(env, {
          workspaceId: ids.workspace,
          versionId: ids.pendingVersion,
          userId: user.userId,
          origin: "http://localhost:8787",
        })
      ).id;
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
    resource(kind, user) {
      if (!isUserKind(kind) && kind in ids) return Promise.resolve(ids[kind as WorkspaceKind]);
      const key = isUserKind(kind) ? `${kind}:${user.userId}` : kind;
      let id = cache.get(key);
      if (!id) {
        id = isUserKind(kind) ? seedUserResource(kind, user, ids) : seedLazy(kind as LazyKind, owner);
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
