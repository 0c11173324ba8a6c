import { env } from "cloudflare:workers";
import type { ErrorBody } from "@burstflare/sdk/errors";
import { createdInviteSchema, inviteListSchema, memberListSchema, workspaceSettingsSchema } from "@burstflare/sdk/schemas/workspaces";
import type { Role } from "@burstflare/sdk/states";
import { describe, expect, it } from "vitest";
import { dbOf } from "../../src/lib/db";
import { acceptInviteCode, hashInviteCode } from "../../src/workspaces/invites";
import { redeemWorkspaceInvite } from "../../src/workspaces/invites-repo";
import { addMember, call, createTeamOwner, createTestUser, type TestUser } from "../helpers/users";

async function errorOf(res: Response): Promise<ErrorBody["error"]> {
  return ((await res.json()) as ErrorBody).error;
}

async function invite(by: TestUser, body: Record<string, unknown> = {}) {
  const res = await call("POST", "/api/workspaces/current/invites", { user: by, body });
  expect(res.status).toBe(201);
  return createdInviteSchema.parse(await res.json());
}

describe("invites", () => {
  it("creates a single-use code stored only as a hash; accepting joins with the invite's role and switches to it", async () => {
    const owner = await createTestUser();
    const created = await invite(owner, { role: "admin" });
    expect(created.code).toMatch(/^bfi_/);
    expect(created.invite).toMatchObject({ role: "admin", status: "pending", email: null });
    const row = await env.DB.prepare("SELECT code_hash FROM invites WHERE id = ?").bind(created.invite.id).first<{ code_hash: string }>();
    expect(row?.code_hash).toBe(await hashInviteCode(created.code));
    expect(row?.code_hash).not.toContain(created.code);
    // The code is never listed again.
    const listed = await (await call("GET", "/api/workspaces/current/invites", { user: owner })).text();
    expect(listed).not.toContain(created.code);

    const joiner = await createTestUser();
    const res = await call("POST", "/api/workspaces/invites/accept", { user: joiner, body: { code: created.code } });
    expect(res.status).toBe(200);
    expect(workspaceSettingsSchema.parse(await res.json()).workspace).toMatchObject({
      id: owner.workspaceId,
      role: "admin",
      current: true,
    });
    const current = workspaceSettingsSchema.parse(await (await call("GET", "/api/workspaces/current/settings", { user: joiner })).json());
    expect(current.workspace.id).toBe(owner.workspaceId);

    const list = inviteListSchema.parse(await (await call("GET", "/api/workspaces/current/invites", { user: owner })).json());
    expect(list.invites[0]).toMatchObject({ status: "used", usedBy: joiner.userId });

    // Replayed by someone else: used.
    const third = await createTestUser();
    const replay = await call("POST", "/api/workspaces/invites/accept", { user: third, body: { code: created.code } });
    expect(replay.status).toBe(410);
    expect(await errorOf(replay)).toMatchObject({ code: "gone", details: { reason: "used" } });
  });

  it("answers expired (410), revoked (410), wrong email (403), already a member (409), unknown (404)", async () => {
    const owner = await createTestUser();
    const joiner = await createTestUser();

    const expired = await invite(owner);
    // fixture-sql: the invite's expiry moved into the past, as waiting out its TTL would leave it
    await env.DB.prepare("UPDATE invites SET expires_at = ? WHERE id = ?")
      .bind(Date.now() - 1, expired.invite.id)
      .run();
    const e = await call("POST", "/api/workspaces/invites/accept", { user: joiner, body: { code: expired.code } });
    expect(e.status).toBe(410);
    expect(await errorOf(e)).toMatchObject({ code: "gone", message: "this invite has expired", details: { reason: "expired" } });

    const revoked = await invite(owner);
    expect((await call("DELETE", `/api/workspaces/current/invites/${revoked.invite.id}`, { user: owner })).status).toBe(200);
    const r = await call("POST", "/api/workspaces/invites/accept", { user: joiner, body: { code: revoked.code } });
    expect(r.status).toBe(410);
    expect(await errorOf(r)).toMatchObject({ code: "gone", details: { reason: "revoked" } });

    const bound = await invite(owner, { email: "Someone.Else@Example.com" });
    expect(bound.invite.email).toBe("someone.else@example.com");
    const w = await call("POST", "/api/workspaces/invites/accept", { user: joiner, body: { code: bound.code } });
    expect(w.status).toBe(403);
    expect(await errorOf(w)).toMatchObject({ code: "forbidden", message: "this invite is for a different email address" });

    const mine = await invite(owner, { email: joiner.email.toUpperCase() });
    expect((await call("POST", "/api/workspaces/invites/accept", { user: joiner, body: { code: mine.code } })).status).toBe(200);
    const again = await invite(owner);
    const a = await call("POST", "/api/workspaces/invites/accept", { user: joiner, body: { code: again.code } });
    expect(a.status).toBe(409);
    expect((await errorOf(a)).code).toBe("conflict");
    // A refused accept does not burn the code.
    const unused = await env.DB.prepare("SELECT used_at FROM invites WHERE id = ?")
      .bind(again.invite.id)
      .first<{ used_at: number | null }>();
    expect(unused?.used_at).toBeNull();

    const u = await call("POST", "/api/workspaces/invites/accept", { user: joiner, body: { code: "bfi_doesnotexist123" } });
    expect(u.status).toBe(404);
    const bad = await call("POST", "/api/workspaces/invites/accept", { user: joiner, body: { code: "../../etc/passwd" } });
    expect(bad.status).toBe(400);
  });

  it("only owners invite owners; revoking another workspace's invite is 404; revoking a used invite is 409", async () => {
    const owner = await createTestUser();
    const admin = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    const res = await call("POST", "/api/workspaces/current/invites", { user: admin, body: { role: "owner" } });
    expect(res.status).toBe(403);
    await invite(admin, { role: "admin" });

    const stranger = await createTestUser();
    const theirs = await invite(stranger);
    expect((await call("DELETE", `/api/workspaces/current/invites/${theirs.invite.id}`, { user: owner })).status).toBe(404);

    const used = await invite(owner);
    const joiner = await createTestUser();
    await acceptInviteCode(env, joiner.userId, joiner.email, used.code);
    expect((await call("DELETE", `/api/workspaces/current/invites/${used.invite.id}`, { user: owner })).status).toBe(409);
  });

  it("acceptInviteCode is single-use under concurrent redemption", async () => {
    const owner = await createTestUser();
    const created = await invite(owner);
    const users = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    const results = await Promise.allSettled(users.map((u) => acceptInviteCode(env, u.userId, u.email, created.code)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const members = memberListSchema.parse(await (await call("GET", "/api/workspaces/current/members", { user: owner })).json());
    expect(members.members).toHaveLength(2);
  });
});

describe("an invite answers for its creator", () => {
  const accept = (user: TestUser, code: string) => call("POST", "/api/workspaces/invites/accept", { user, body: { code } });
  const setRole = (by: TestUser, userId: string, role: string) =>
    call("PATCH", `/api/workspaces/current/members/${userId}`, { user: by, body: { role } });

  /** A user with a personal workspace of their own who also joins `owner`'s workspace and works in it. */
  async function joined(owner: TestUser, role: Role): Promise<TestUser> {
    const user = await createTestUser();
    await addMember(owner.workspaceId, user.userId, role);
    expect((await call("POST", "/api/auth/switch-workspace", { user, body: { workspaceId: owner.workspaceId } })).status).toBe(200);
    return { ...user, workspaceId: owner.workspaceId };
  }

  async function expectCreatorLeft(res: Response) {
    expect(res.status).toBe(410);
    expect(await errorOf(res)).toMatchObject({ code: "gone", details: { reason: "creator_left" } });
  }

  it("a removed admin cannot rejoin with a code they made before; the owner's codes still work", async () => {
    const owner = await createTeamOwner("invites-removed-admin");
    const admin = await joined(owner, "admin");
    const theirs = await invite(admin, { role: "admin", expiresInHours: 720 });
    const ownersCode = await invite(owner, { role: "member" });
    expect((await call("DELETE", `/api/workspaces/current/members/${admin.userId}`, { user: owner })).status).toBe(200);

    await expectCreatorLeft(await accept(admin, theirs.code));
    await expectCreatorLeft(await accept(await createTestUser(), theirs.code));
    const members = memberListSchema.parse(await (await call("GET", "/api/workspaces/current/members", { user: owner })).json());
    expect(members.members.map((m) => m.userId)).not.toContain(admin.userId);
    // Refused, not spent: the invite is still pending, and other codes are untouched.
    const listed = inviteListSchema.parse(await (await call("GET", "/api/workspaces/current/invites", { user: owner })).json());
    expect(listed.invites.find((i) => i.id === theirs.invite.id)?.status).toBe("pending");
    expect((await accept(await createTestUser(), ownersCode.code)).status).toBe(200);
  });

  it("an owner demoted to admin: their owner invite makes no owner, their member invite still admits", async () => {
    const owner = await createTestUser();
    const second = await createTestUser({ workspaceId: owner.workspaceId, role: "owner" });
    const ownerInvite = await invite(second, { role: "owner" });
    const memberInvite = await invite(second, { role: "member" });
    expect((await setRole(owner, second.userId, "admin")).status).toBe(200);

    const puppet = await createTestUser();
    await expectCreatorLeft(await accept(puppet, ownerInvite.code));
    expect(
      await env.DB.prepare("SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?")
        .bind(owner.workspaceId, puppet.userId)
        .first(),
    ).toBeNull();
    expect((await accept(puppet, memberInvite.code)).status).toBe(200);
  });

  it("a member demoted to viewer, or an owner who handed over ownership, makes nobody an owner or a member", async () => {
    const owner = await createTeamOwner("invites-handover");
    const admin = await joined(owner, "admin");
    const adminsInvite = await invite(admin, { role: "member" });
    expect((await setRole(owner, admin.userId, "viewer")).status).toBe(200);
    await expectCreatorLeft(await accept(await createTestUser(), adminsInvite.code));

    const heir = await joined(owner, "admin");
    const ownersOwnerInvite = await invite(owner, { role: "owner" });
    expect((await call("POST", "/api/workspaces/current/transfer", { user: owner, body: { userId: heir.userId } })).status).toBe(200);
    await expectCreatorLeft(await accept(await createTestUser(), ownersOwnerInvite.code));
  });

  it("signing up with the code of a creator who left is refused before any account exists", async () => {
    const owner = await createTestUser();
    const admin = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    const code = (await invite(admin, { role: "member" })).code;
    expect((await call("DELETE", `/api/workspaces/current/members/${admin.userId}`, { user: owner })).status).toBe(200);
    const email = `newcomer-${Date.now().toString(36)}@example.com`;
    const res = await call("POST", "/api/auth/passkeys/register/start", { body: { email, inviteCode: code } });
    await expectCreatorLeft(res);
    expect(await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first()).toBeNull();
  });

  it("the redemption itself re-checks the creator, for a demotion between the check and the insert", async () => {
    const owner = await createTestUser();
    const second = await createTestUser({ workspaceId: owner.workspaceId, role: "owner" });
    const created = await invite(second, { role: "owner" });
    const joiner = await createTestUser();
    const db = dbOf(env);
    // The demotion lands after acceptInviteCode's own check would have passed.
    expect((await setRole(owner, second.userId, "admin")).status).toBe(200);
    expect(await redeemWorkspaceInvite(db, created.invite.id, joiner.userId, Date.now())).toBe(false);
    expect(
      await env.DB.prepare("SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?")
        .bind(owner.workspaceId, joiner.userId)
        .first(),
    ).toBeNull();
  });
});

describe("members and roles", () => {
  async function team() {
    const owner = await createTestUser();
    const admin = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    return { owner, admin, member, viewer };
  }

  const patch = (by: TestUser, target: TestUser, role: string) =>
    call("PATCH", `/api/workspaces/current/members/${target.userId}`, { user: by, body: { role } });

  it("admins manage members and admins but cannot touch owners or make owners", async () => {
    const { owner, admin, member, viewer } = await team();
    expect((await patch(admin, member, "viewer")).status).toBe(200);
    expect((await patch(admin, viewer, "admin")).status).toBe(200);
    expect((await patch(admin, member, "owner")).status).toBe(403);
    expect((await patch(admin, owner, "member")).status).toBe(403);
    expect((await call("DELETE", `/api/workspaces/current/members/${owner.userId}`, { user: admin })).status).toBe(403);
    expect((await patch(member, viewer, "member")).status).toBe(403);
    expect((await patch(admin, member, "superuser")).status).toBe(400);
  });

  it("owners make owners; the last owner cannot be demoted or removed", async () => {
    const { owner, admin } = await team();
    const demoteSelf = await patch(owner, owner, "admin");
    expect(demoteSelf.status).toBe(409);
    expect((await errorOf(demoteSelf)).message).toContain("last owner");
    expect((await patch(owner, admin, "owner")).status).toBe(200);
    expect((await patch(owner, owner, "admin")).status).toBe(200);
    // Now `admin` is the only owner and owner_id follows.
    const ws = await env.DB.prepare("SELECT owner_id FROM workspaces WHERE id = ?").bind(owner.workspaceId).first<{ owner_id: string }>();
    expect(ws?.owner_id).toBe(admin.userId);
    expect((await call("DELETE", `/api/workspaces/current/members/${admin.userId}`, { user: admin })).status).toBe(409);
  });

  it("removing a member takes their access away at once; other workspaces' users are 404", async () => {
    const { owner, member } = await team();
    expect((await call("DELETE", `/api/workspaces/current/members/${member.userId}`, { user: owner })).status).toBe(200);
    // The removed user had no other workspace, so their token no longer reaches anything here.
    const after = await call("GET", "/api/workspaces/current/members", { user: member });
    expect(after.status).toBe(401);
    const stranger = await createTestUser();
    expect((await patch(owner, stranger, "viewer")).status).toBe(404);
    const roles = await env.DB.prepare("SELECT action, details FROM audit_log WHERE workspace_id = ? AND action LIKE 'member.%'")
      .bind(owner.workspaceId)
      .all<{ action: string }>();
    expect(roles.results.map((r) => r.action)).toEqual(["member.remove"]);
  });
});
