import { env } from "cloudflare:workers";
import type { CreateVersionResponse } from "@burstflare/sdk/schemas/templates";
import type { Role } from "@burstflare/sdk/states";
import { seedTemplate } from "../../src/admin/seed";
import { issueApiToken } from "../../src/auth/api-tokens";
import { insertPasskey } from "../../src/auth/passkeys-repo";
import { issueSignIn } from "../../src/auth/sign-ins";
import { insertSSHKey } from "../../src/auth/ssh-keys-repo";
import { insertBuildStatement, markBuildFailed, markBuildSucceeded } from "../../src/builds/builds-repo";
import { exportWorkspace } from "../../src/exports/workspace-export";
import { newId, sha256Hex } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { createGrant } from "../../src/templates/grants";
import { buildArtifactKey, buildLogKey } from "../../src/templates/keys";
import { insertRelease } from "../../src/templates/templates-repo";
import { hashInviteCode } from "../../src/workspaces/invites";
import { insertSignupInvite } from "../../src/workspaces/invites-repo";
import { createOperator } from "./operator";
import { insertReadySnapshot, insertTestSession } from "./snapshots";
import { targz } from "./tar";
import { call, createTeamOwner, createTestUser, type TestUser } from "./users";

/**
 * The world every permission-table run starts from, made through the API, operator seeding and
 * the repositories (never SQL): workspace A
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

/** Workspace A's resources, made by the API, operator seeding and the repositories as the product makes them. */
async function seedWorkspaceResources(
  owner: TestUser,
  target: TestUser,
): Promise<{ ids: Record<WorkspaceKind, string>; inviteCode: string }> {
  const ws = owner.workspaceId;
  const t = Date.now();
  const db = dbOf(env);
  const slug = (id: string) =>
    `perm-${id
      .slice(-8)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "x")}`;
  // An active version without a bundle (sessions run its manifest alone), promoted once.
  const manifest = { persistedPaths: ["."] };
  const seeded = await seedTemplate(env, { workspaceId: ws, name: slug(newId("tpl")), manifest }, owner.userId);
  await insertRelease(db, {
    id: newId("rel"),
    templateId: seeded.templateId,
    versionId: seeded.versionId,
    kind: "promote",
    actorId: owner.userId,
    at: t,
  });
  const pending = await call("POST", `/api/templates/${seeded.templateId}/versions`, { user: owner, body: { version: "2.0.0", manifest } });
  if (pending.status !== 201) throw new Error(`pending version: ${pending.status} ${await pending.text()}`);
  const pendingVersion = ((await pending.json()) as CreateVersionResponse).version.id;
  // A failed build that still has its log and an artifact: downloadable and retryable.
  const build = newId("bld");
  const artifact = new Uint8Array([31, 139, 8, 0]);
  await db.batch([
    insertBuildStatement(db, { id: build, workspaceId: ws, templateId: seeded.templateId, versionId: seeded.versionId, at: t }),
  ]);
  await Promise.all([env.BUCKET.put(buildLogKey(ws, build), "seeded build log\n"), env.BUCKET.put(buildArtifactKey(ws, build), artifact)]);
  await markBuildSucceeded(
    db,
    build,
    { key: buildArtifactKey(ws, build), sha256: await sha256Hex(artifact), bytes: artifact.byteLength },
    t,
  );
  await markBuildFailed(db, build, "seeded", t);
  const session = await insertTestSession(ws, owner.userId, "stopped", { template: seeded });
  // A real archive with its real hash: session starts restore it and copies verify it.
  const snapshot = await insertReadySnapshot(ws, session, { bytes: await targz([{ name: "perm.txt", content: "seeded\n" }]) });
  const secret = await call("PUT", "/api/workspaces/current/secrets", { user: owner, body: { name: SEEDED_SECRET_NAME, value: "value" } });
  if (secret.status !== 200) throw new Error(`secret: ${secret.status} ${await secret.text()}`);
  const invite = await call("POST", "/api/workspaces/current/invites", { user: owner, body: { role: "member" } });
  if (invite.status !== 201) throw new Error(`invite: ${invite.status} ${await invite.text()}`);
  const created = (await invite.json()) as { invite: { id: string }; code: string };
  const ids = {
    workspace: ws,
    template: seeded.templateId,
    version: seeded.versionId,
    pendingVersion,
    build,
    session,
    snapshot: snapshot.id,
    secret: SEEDED_SECRET_NAME,
    invite: created.invite.id,
    member: target.userId,
  } satisfies Record<WorkspaceKind, string>;
  return { ids, inviteCode: created.code };
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
      const key = await insertSSHKey(dbOf(env), user.userId, k);
      if (!key) throw new Error("SSH key refused");
      return key.id;
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
  // A team workspace, so ownership transfer and delete are possible at all.
  const owner = await createTeamOwner("Workspace A");
  const ws = owner.workspaceId;
  const [admin, member, viewer, target, other, op] = await Promise.all([
    createTestUser({ workspaceId: ws, role: "admin" }),
    createTestUser({ workspaceId: ws, role: "member" }),
    createTestUser({ workspaceId: ws, role: "viewer" }),
    createTestUser({ workspaceId: ws, role: "member" }),
    createTestUser(),
    operator(),
  ]);
  const { ids, inviteCode } = await seedWorkspaceResources(owner, target);
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
