import { deletedVersionSchema, templateDetailSchema, type UploadResult } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { buildPrefix, versionPrefix } from "../../src/templates/keys";
import { insertTestSession } from "../helpers/snapshots";
import { targz } from "../helpers/tar";
import { createTemplate, createVersion, finished, insertTestBuild, markBuilt, r2Keys, upload, waitForBuild } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

/** A template with versions 1, 2 and 3, each built; 1 then 2 promoted (2 active, a rollback returns to 1). */
async function releasedTemplate(user: TestUser) {
  const tpl = await createTemplate(user);
  const ids: string[] = [];
  for (const label of ["1", "2", "3"]) {
    const { version } = await createVersion(user, tpl.id, label);
    await markBuilt(user.workspaceId, tpl.id, version.id);
    ids.push(version.id);
  }
  for (const id of ids.slice(0, 2)) {
    expect((await call("POST", `/api/templates/${tpl.id}/promote`, { user, body: { versionId: id } })).status).toBe(200);
  }
  const detail = async () => templateDetailSchema.parse(await (await call("GET", `/api/templates/${tpl.id}`, { user })).json());
  const remove = (id: string, as = user) => call("DELETE", `/api/templates/${tpl.id}/versions/${id}`, { user: as });
  return { tpl, ids: ids as [string, string, string], detail, remove };
}

async function refusal(res: Response): Promise<{ status: number; code: string; message: string }> {
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, code: error.code, message: error.message };
}

describe("deleting a template version", () => {
  it("frees its bundle, build log and artifact in R2 and its bytes of the quota", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const { version, uploadGrant } = await createVersion(user, tpl.id, "1");
    const res = await upload(user, uploadGrant.id, await targz([{ name: "readme.txt", content: "hello" }]));
    expect(res.status).toBe(201);
    const { build } = (await res.json()) as UploadResult;
    expect((await waitForBuild(user, build.id, finished)).status).toBe("succeeded");
    const stored = [
      ...(await r2Keys(versionPrefix(user.workspaceId, tpl.id, version.id))),
      ...(await r2Keys(buildPrefix(user.workspaceId, build.id))),
    ];
    expect(stored.length).toBeGreaterThanOrEqual(3);
    const before = templateDetailSchema.parse(await (await call("GET", `/api/templates/${tpl.id}`, { user })).json());
    expect(before.storageBytes).toBeGreaterThan(0);

    const deleted = await call("DELETE", `/api/templates/${tpl.id}/versions/${version.id}`, { user });
    expect(deleted.status).toBe(200);
    const freed = deletedVersionSchema.parse(await deleted.json());
    expect(freed).toEqual({ ok: true, bytes: before.storageBytes, objects: stored.length });
    expect(await r2Keys(versionPrefix(user.workspaceId, tpl.id, version.id))).toEqual([]);
    expect(await r2Keys(buildPrefix(user.workspaceId, build.id))).toEqual([]);
    const after = templateDetailSchema.parse(await (await call("GET", `/api/templates/${tpl.id}`, { user })).json());
    expect(after.versions).toEqual([]);
    expect(after.storageBytes).toBe(0);
    expect((await call("GET", `/api/template-builds/${build.id}`, { user })).status).toBe(404);
    // Gone for good: a second delete finds nothing.
    expect((await call("DELETE", `/api/templates/${tpl.id}/versions/${version.id}`, { user })).status).toBe(404);
  });

  it("keeps the promoted version, the one a rollback returns to and any version a session was started from", async () => {
    const user = await createTestUser();
    const { tpl, ids, remove, detail } = await releasedTemplate(user);
    const [v1, v2, v3] = ids;
    expect(await refusal(await remove(v2))).toMatchObject({
      status: 409,
      code: "invalid_state",
      message: expect.stringContaining("promoted"),
    });
    expect(await refusal(await remove(v1))).toMatchObject({
      status: 409,
      code: "invalid_state",
      message: expect.stringContaining("rollback"),
    });

    // A session started from version 3 needs its artifact to start again, deleted or not (it can be restored).
    const sessionId = await insertTestSession(user.workspaceId, user.userId, "stopped", {
      template: { templateId: tpl.id, versionId: v3 },
    });
    expect(await refusal(await remove(v3))).toMatchObject({ status: 409, message: expect.stringContaining("1 session(s)") });
    expect((await call("DELETE", `/api/sessions/${sessionId}`, { user })).status).toBe(200);
    expect((await remove(v3)).status).toBe(409);
    expect((await detail()).versions.map((v) => v.version).sort()).toEqual(["1", "2", "3"]);
  });

  it("keeps a version while a build of it runs", async () => {
    const user = await createTestUser();
    const { tpl, ids, remove, detail } = await releasedTemplate(user);
    const v3 = ids[2];
    await insertTestBuild(user.workspaceId, tpl.id, v3, { status: "building" });
    expect(await refusal(await remove(v3))).toMatchObject({
      status: 409,
      code: "invalid_state",
      message: expect.stringContaining("still running"),
    });
    expect((await detail()).versions.map((v) => v.version).sort()).toEqual(["1", "2", "3"]);
  });

  it("a deleted version stays in the release history, and a rollback never lands on it", async () => {
    const user = await createTestUser();
    const { tpl, ids, remove, detail } = await releasedTemplate(user);
    const [v1, , v3] = ids;
    // Promote 3: the rollback target is now 2, so 1 may go.
    expect((await call("POST", `/api/templates/${tpl.id}/promote`, { user, body: { versionId: v3 } })).status).toBe(200);
    expect((await remove(v1)).status).toBe(200);
    expect((await detail()).releases.map((r) => r.version)).toEqual(["3", "2", "deleted"]);

    expect((await call("POST", `/api/templates/${tpl.id}/rollback`, { user, body: {} })).status).toBe(200);
    const rolledBack = await detail();
    expect(rolledBack.template.activeVersion).toBe("2");
    // Below 2 lies only the deleted version: nothing to roll back to.
    expect(rolledBack.rollbackTarget).toBeNull();
    expect(await refusal(await call("POST", `/api/templates/${tpl.id}/rollback`, { user, body: {} }))).toMatchObject({
      status: 409,
      code: "invalid_state",
    });
    expect((await detail()).template.activeVersion).toBe("2");
  });

  it("answers another workspace 404, a viewer 403 and a malformed id 400, deleting nothing", async () => {
    const owner = await createTestUser();
    const { tpl, ids, remove, detail } = await releasedTemplate(owner);
    const v3 = ids[2];
    const stranger = await createTestUser();
    const viewer = await createTestUser({ workspaceId: owner.workspaceId, role: "viewer" });
    expect((await remove(v3, stranger)).status).toBe(404);
    expect((await remove(v3, viewer)).status).toBe(403);
    expect((await call("DELETE", `/api/templates/${tpl.id}/versions/..%2F..`, { user: owner })).status).toBe(400);
    // Another template's version is not found through this one.
    const other = await createTemplate(owner);
    expect((await call("DELETE", `/api/templates/${other.id}/versions/${v3}`, { user: owner })).status).toBe(404);
    expect((await detail()).versions).toHaveLength(3);
  });
});
