import { env } from "cloudflare:workers";
import { ApiError } from "@burstflare/sdk/errors";
import { templateDetailSchema } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { getSessionById, insertSession } from "../../src/sessions/records";
import { versionPrefix } from "../../src/templates/keys";
import { resolveTemplateForSession } from "../../src/templates/resolve";
import { deleteVersionRows, versionUse } from "../../src/templates/templates-repo";
import { builtVersion, builtVersions, createTemplate, promote, r2Keys } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * A version delete against a session create from that version, in the orders that lost the
 * version under a session (the delete's checks and its write were separate statements, and so
 * were the create's resolve and its insert). Whichever lands second must be refused.
 */

/** The create's second half: the insert of a session from `versionId`, as POST /api/sessions makes it. */
function createFrom(user: TestUser, templateId: string, versionId: string, name: string) {
  const id = newId("ses");
  const config = { manifest: { persistedPaths: ["."] }, artifactKey: null, bundleKey: null };
  const session = { id, workspaceId: user.workspaceId, ownerId: user.userId, name, templateId, versionId, requireLiveTemplate: true };
  const insert = insertSession(env, { ...session, startOnIntent: false, config, at: Date.now() });
  return { id, insert };
}

const removeVersion = (user: TestUser, templateId: string, versionId: string) =>
  call("DELETE", `/api/templates/${templateId}/versions/${versionId}`, { user });

async function versionLabels(user: TestUser, templateId: string): Promise<string[]> {
  const res = await call("GET", `/api/templates/${templateId}`, { user });
  return templateDetailSchema.parse(await res.json()).versions.map((v) => v.version);
}

describe("deleting a template version while a session is created from it", () => {
  it("refuses the session when the version was deleted after the create resolved it", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const [v1, v2, v3] = await builtVersions(user, tpl.id, ["1", "2", "3"]);
    await promote(user, tpl.id, v3);
    const resolved = await resolveTemplateForSession(env, user.workspaceId, tpl.id);
    expect(resolved.versionId).toBe(v3);
    // Promoted away twice, 3 is neither promoted nor the rollback target: its delete passes.
    await promote(user, tpl.id, v2);
    await promote(user, tpl.id, v1);
    expect((await removeVersion(user, tpl.id, v3)).status).toBe(200);

    const { id, insert } = createFrom(user, tpl.id, v3, "late");
    const refused = await insert.then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: "invalid_state", status: 409 });
    expect(await getSessionById(env, id)).toBeNull();
  });

  it("keeps the version when a session was inserted after the delete's checks passed", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const [v1, v2] = [await builtVersion(user, tpl.id, "1"), await builtVersion(user, tpl.id, "2")];
    await promote(user, tpl.id, v1);
    // What the delete checked before it wrote: no session, no build running.
    expect(await versionUse(dbOf(env), v2)).toMatchObject({ sessions: 0, activeBuilds: 0 });
    const { id, insert } = createFrom(user, tpl.id, v2, "early");
    await insert;
    // The delete's write now finds the session (and the promoted version is kept the same way).
    expect(await deleteVersionRows(dbOf(env), v2)).toBeNull();
    expect(await deleteVersionRows(dbOf(env), v1)).toBeNull();
    expect((await getSessionById(env, id))?.versionId).toBe(v2);
    expect((await versionLabels(user, tpl.id)).sort()).toEqual(["1", "2"]);
    expect(await r2Keys(versionPrefix(user.workspaceId, tpl.id, v2))).toHaveLength(1);
    const res = await removeVersion(user, tpl.id, v2);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_state", message: expect.stringContaining("1 session(s)") } });
  });

  it("lets exactly one of a concurrent create and delete through, leaving each whole", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const rounds = 12;
    const outcomes = { created: 0, deleted: 0 };
    for (let i = 0; i < rounds; i++) {
      const v = await builtVersion(user, tpl.id, `r${i}`);
      // Round i starts the create i D1 round trips into the delete, so the rounds sweep the create
      // across each step of the delete (the old code lost the version when it landed mid-way).
      const deleting = removeVersion(user, tpl.id, v);
      for (let k = 0; k < i; k++) await versionUse(dbOf(env), v);
      const { id, insert } = createFrom(user, tpl.id, v, `race-${i}`);
      const [created, deleted] = await Promise.all([
        insert.then(
          () => true,
          () => false,
        ),
        deleting,
      ]);
      expect(created && deleted.ok, `round ${i}: both the create and the delete went through`).toBe(false);
      expect(created || deleted.ok, `round ${i}: neither went through`).toBe(true);
      const session = await getSessionById(env, id);
      const versionKeys = await r2Keys(versionPrefix(user.workspaceId, tpl.id, v));
      if (created) {
        // The loser answered 409 with the contract's error body.
        expect(deleted.status).toBe(409);
        expect(await deleted.json()).toMatchObject({ error: { code: "invalid_state", message: expect.any(String) } });
        expect(session?.versionId).toBe(v);
        expect(await versionLabels(user, tpl.id)).toContain(`r${i}`);
        expect(versionKeys).toHaveLength(1);
        outcomes.created++;
      } else {
        expect(session).toBeNull();
        expect((await versionUse(dbOf(env), v)).sessions).toBe(0);
        expect(versionKeys).toEqual([]);
        outcomes.deleted++;
      }
    }
    expect(outcomes.created + outcomes.deleted).toBe(rounds);
  });
});
