import { env } from "cloudflare:workers";
import { memberListSchema, workspaceListSchema, workspaceSettingsSchema } from "@burstflare/sdk/schemas/workspaces";
import { describe, expect, it } from "vitest";
import { insertReadySnapshot, insertTestSession } from "../helpers/snapshots";
import { createTemplate } from "../helpers/templates";
import { addMember, call, createTestUser, type TestUser } from "../helpers/users";

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** A workspace `owner` creates and then switches to, as the workspace switcher does. */
async function newCurrentWorkspace(owner: TestUser, name: string) {
  const ws = workspaceSettingsSchema.parse(await json(await call("POST", "/api/workspaces", { user: owner, body: { name } }))).workspace;
  await call("POST", "/api/auth/switch-workspace", { user: owner, body: { workspaceId: ws.id } });
  return ws;
}

describe("workspaces", () => {
  it("lists my workspaces with my role and marks the current one", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    await createTestUser({ workspaceId: other.workspaceId, email: owner.email.replace("@", "+x@") });
    const res = await call("GET", "/api/workspaces", { user: owner });
    expect(res.status).toBe(200);
    const body = workspaceListSchema.parse(await res.json());
    expect(body.workspaces).toHaveLength(1);
    expect(body.workspaces[0]).toMatchObject({ id: owner.workspaceId, role: "owner", personal: true, current: true, plan: "free" });
  });

  it("creates a workspace, switches to it, renames it, and lists both", async () => {
    const u = await createTestUser();
    const created = await call("POST", "/api/workspaces", { user: u, body: { name: "  Team Rocket " } });
    expect(created.status).toBe(201);
    const { workspace } = workspaceSettingsSchema.parse(await created.json());
    expect(workspace).toMatchObject({ name: "Team Rocket", role: "owner", personal: false, current: false });

    const switched = await call("POST", "/api/auth/switch-workspace", { user: u, body: { workspaceId: workspace.id } });
    expect(switched.status).toBe(200);
    const settings = workspaceSettingsSchema.parse(await (await call("GET", "/api/workspaces/current/settings", { user: u })).json());
    expect(settings.workspace).toMatchObject({ id: workspace.id, current: true });
    const row = await env.DB.prepare("SELECT current_workspace_id FROM users WHERE id = ?")
      .bind(u.userId)
      .first<{ current_workspace_id: string }>();
    expect(row?.current_workspace_id).toBe(workspace.id);

    const renamed = await call("PATCH", "/api/workspaces/current/settings", { user: u, body: { name: "Team Blue" } });
    expect(renamed.status).toBe(200);
    const list = workspaceListSchema.parse(await (await call("GET", "/api/workspaces", { user: u })).json());
    expect(list.workspaces.map((w) => [w.name, w.current])).toEqual([
      [expect.stringContaining("workspace"), false],
      ["Team Blue", true],
    ]);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE workspace_id = ? ORDER BY created_at")
      .bind(workspace.id)
      .all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["workspace.create", "workspace.switch", "workspace.rename"]);
  });

  it("refuses to switch to a workspace I am not in, as 404", async () => {
    const a = await createTestUser();
    const b = await createTestUser();
    const res = await call("POST", "/api/auth/switch-workspace", { user: a, body: { workspaceId: b.workspaceId } });
    expect(res.status).toBe(404);
    expect((await json<{ error: { code: string } }>(res)).error.code).toBe("not_found");
  });

  it("an API token stays in its workspace: switching with one is refused", async () => {
    const u = await createTestUser();
    const other = workspaceSettingsSchema.parse(
      await (await call("POST", "/api/workspaces", { user: u, body: { name: "Other" } })).json(),
    ).workspace;
    // Minted as a user does (POST /api/auth/tokens): bound to the workspace the sign-in is in.
    const minted = await call("POST", "/api/auth/tokens", { user: u, body: { name: "ci" } });
    expect(minted.status).toBe(200);
    const { token } = await json<{ token: string }>(minted);
    const res = await call("POST", "/api/auth/switch-workspace", {
      headers: { authorization: `Bearer ${token}` },
      body: { workspaceId: other.id },
    });
    expect(res.status).toBe(400);
    const row = await env.DB.prepare("SELECT current_workspace_id FROM users WHERE id = ?")
      .bind(u.userId)
      .first<{ current_workspace_id: string }>();
    expect(row?.current_workspace_id).toBe(u.workspaceId);
  });

  it("validates names: empty and oversized names are 400, never 500", async () => {
    const u = await createTestUser();
    for (const name of ["", "   ", "x".repeat(81)]) {
      const res = await call("POST", "/api/workspaces", { user: u, body: { name } });
      expect(res.status).toBe(400);
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe("validation_failed");
    }
    const res = await call("POST", "/api/workspaces", { user: u, body: "{not json" });
    expect(res.status).toBe(400);
  });

  it("transfers ownership: the new owner owns it, the old one stays as admin", async () => {
    const owner = await createTestUser();
    const ws = await newCurrentWorkspace(owner, "Shared");
    const member = await createTestUser({ workspaceId: ws.id, role: "member" });

    const notMember = await createTestUser();
    expect((await call("POST", "/api/workspaces/current/transfer", { user: owner, body: { userId: notMember.userId } })).status).toBe(404);

    const res = await call("POST", "/api/workspaces/current/transfer", { user: owner, body: { userId: member.userId } });
    expect(res.status).toBe(200);
    expect(workspaceSettingsSchema.parse(await res.json()).workspace).toMatchObject({ ownerId: member.userId, role: "admin" });
    const members = memberListSchema.parse(await (await call("GET", "/api/workspaces/current/members", { user: member })).json());
    expect(Object.fromEntries(members.members.map((m) => [m.userId, m.role]))).toEqual({
      [member.userId]: "owner",
      [owner.userId]: "admin",
    });
    // The former owner is an admin now and cannot transfer again.
    expect((await call("POST", "/api/workspaces/current/transfer", { user: owner, body: { userId: owner.userId } })).status).toBe(403);
  });

  it("personal workspaces cannot be deleted, left by their owner, or transferred", async () => {
    const u = await createTestUser();
    const other = await createTestUser({ workspaceId: u.workspaceId, role: "member" });
    expect((await call("DELETE", "/api/workspaces/current", { user: u })).status).toBe(409);
    expect((await call("POST", "/api/workspaces/current/leave", { user: u })).status).toBe(409);
    expect((await call("POST", "/api/workspaces/current/transfer", { user: u, body: { userId: other.userId } })).status).toBe(409);
  });

  it("leave: a member leaves and falls back to their personal workspace; the last owner cannot leave", async () => {
    const owner = await createTestUser();
    const ws = await newCurrentWorkspace(owner, "Club");
    const joiner = await createTestUser();
    await addMember(ws.id, joiner.userId, "member");
    await call("POST", "/api/auth/switch-workspace", { user: joiner, body: { workspaceId: ws.id } });

    const last = await call("POST", "/api/workspaces/current/leave", { user: owner });
    expect(last.status).toBe(409);
    expect((await json<{ error: { message: string } }>(last)).error.message).toContain("last owner");

    expect((await call("POST", "/api/workspaces/current/leave", { user: joiner })).status).toBe(200);
    const after = workspaceSettingsSchema.parse(await (await call("GET", "/api/workspaces/current/settings", { user: joiner })).json());
    expect(after.workspace.id).toBe(joiner.workspaceId);
  });

  it("delete: owner only; marks the workspace and its sessions, templates and snapshots deleted", async () => {
    const owner = await createTestUser();
    const ws = await newCurrentWorkspace(owner, "Doomed");
    const admin = await createTestUser({ workspaceId: ws.id, role: "admin" });
    const template = await createTemplate(owner, "t");
    const session = await insertTestSession(ws.id, owner.userId);
    const snapshot = await insertReadySnapshot(ws.id, session, { bytes: new Uint8Array(10) });

    expect((await call("DELETE", "/api/workspaces/current", { user: admin })).status).toBe(403);
    expect((await call("DELETE", "/api/workspaces/current", { user: owner })).status).toBe(200);

    for (const table of ["workspaces", "templates", "sessions", "snapshots"]) {
      const id = { workspaces: ws.id, templates: template.id, sessions: session, snapshots: snapshot.id }[table];
      const row = await env.DB.prepare(`SELECT deleted_at FROM ${table} WHERE id = ?`).bind(id).first<{ deleted_at: number | null }>();
      expect(row?.deleted_at, table).toBeTypeOf("number");
    }
    // Both members fall back to their personal workspaces; the deleted one is gone from lists.
    const list = workspaceListSchema.parse(await (await call("GET", "/api/workspaces", { user: owner })).json());
    expect(list.workspaces.map((w) => w.id)).toEqual([owner.workspaceId]);
    expect((await call("POST", "/api/auth/switch-workspace", { user: owner, body: { workspaceId: ws.id } })).status).toBe(404);
  });
});
