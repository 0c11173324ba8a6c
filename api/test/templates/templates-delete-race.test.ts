import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { undeleteTemplateRow } from "../../src/admin/trash-repo";
import { newId } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { getSessionById, insertSession } from "../../src/sessions/records";
import { purgeTemplate } from "../../src/templates/delete";
import { versionPrefix } from "../../src/templates/keys";
import { resolveTemplateForSession } from "../../src/templates/resolve";
import { countSessionsUsingTemplate, markTemplateDeleted, purgeTemplateRows } from "../../src/templates/templates-repo";
import { countRows } from "../helpers/db";
import { raceAt } from "../helpers/race";
import { builtVersion, createTemplate, promote, r2Keys } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * A template delete or purge against a session created from it. Both counted the template's
 * sessions, then wrote, in separate statements: a session created between was left on a deleted
 * template, or (purge) without the versions and artifacts it starts from. Exactly one may pass.
 */

/** A template whose promoted version "1" is built, its bundle and artifact in R2. */
async function readyTemplate(user: TestUser): Promise<{ id: string; versionId: string }> {
  const tpl = await createTemplate(user);
  const versionId = await builtVersion(user, tpl.id, "1");
  await promote(user, tpl.id, versionId);
  return { id: tpl.id, versionId };
}

/**
 * The create's insert of a session from the template's version: as POST /api/sessions makes it
 * (the template must be live), or as a fork or a restore from a snapshot does (`live` false).
 */
function createFrom(user: TestUser, tpl: { id: string; versionId: string }, name: string, live = true) {
  const id = newId("ses");
  const config = { manifest: { persistedPaths: ["."] }, artifactKey: null, bundleKey: null };
  const from = { templateId: tpl.id, versionId: tpl.versionId, requireLiveTemplate: live };
  const session = { id, workspaceId: user.workspaceId, ownerId: user.userId, name, ...from, startOnIntent: false };
  return { id, insert: () => insertSession(env, { ...session, config, at: Date.now() }) };
}

const templateStatus = async (user: TestUser, id: string) => (await call("GET", `/api/templates/${id}`, { user })).status;
const templateRows = (id: string) => countRows("template_versions", "template_id = ?", id);

describe("deleting a template while a session is created from it", () => {
  it("keeps the template when a session was inserted after the delete's check", async () => {
    const user = await createTestUser();
    const tpl = await readyTemplate(user);
    // What the delete checked before it wrote: no session uses the template.
    expect(await countSessionsUsingTemplate(dbOf(env), tpl.id)).toBe(0);
    const { id, insert } = createFrom(user, tpl, "early");
    await insert();
    expect(await markTemplateDeleted(dbOf(env), tpl.id, Date.now())).toBe(false);
    expect(await templateStatus(user, tpl.id)).toBe(200);
    expect((await getSessionById(env, id))?.templateId).toBe(tpl.id);
    const res = await call("DELETE", `/api/templates/${tpl.id}`, { user });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_state", message: expect.stringContaining("1 session(s)") } });
  });

  it("refuses the session when the template was deleted after the create resolved it", async () => {
    const user = await createTestUser();
    const tpl = await readyTemplate(user);
    expect((await resolveTemplateForSession(env, user.workspaceId, tpl.id)).versionId).toBe(tpl.versionId);
    expect((await call("DELETE", `/api/templates/${tpl.id}`, { user })).status).toBe(200);
    const { id, insert } = createFrom(user, tpl, "late");
    await expect(insert()).rejects.toMatchObject({ code: "not_found", status: 404 });
    expect(await getSessionById(env, id)).toBeNull();
  });

  it("lets exactly one of a concurrent create and delete through", async () => {
    const rounds = 10;
    for (let i = 0; i < rounds; i++) {
      // A user per round: each round leaves a template or a session, and free plans hold 5 of each.
      const user = await createTestUser();
      const tpl = await readyTemplate(user);
      // The create makes more round trips before its insert than the delete before its write: it leads more often.
      const [created, deleted] = await raceAt(
        i - 3,
        () => call("POST", "/api/sessions", { user, body: { templateId: tpl.id, name: `race-${i}`, start: false } }),
        () => call("DELETE", `/api/templates/${tpl.id}`, { user }),
      );
      expect(created.ok && deleted.ok, `round ${i}: both the create and the delete went through`).toBe(false);
      expect(created.ok || deleted.ok, `round ${i}: neither went through`).toBe(true);
      const loser = created.ok ? deleted : created;
      expect(loser.status).toBe(created.ok ? 409 : 404);
      expect(await loser.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      expect(await templateStatus(user, tpl.id)).toBe(created.ok ? 200 : 404);
      expect(await countSessionsUsingTemplate(dbOf(env), tpl.id)).toBe(created.ok ? 1 : 0);
    }
  });
});

describe("purging a deleted template while a session comes to use it", () => {
  it("keeps the rows and objects of a template a session uses or an operator restored after the purge's check", async () => {
    const user = await createTestUser();
    const tpl = await readyTemplate(user);
    const bundles = versionPrefix(user.workspaceId, tpl.id, tpl.versionId);
    expect((await call("DELETE", `/api/templates/${tpl.id}`, { user })).status).toBe(200);
    // What the purge checked before it wrote: no session uses the template.
    expect(await countSessionsUsingTemplate(dbOf(env), tpl.id)).toBe(0);
    // A fork of a session of that version (a deleted session's restore does the same) lands now.
    const { id, insert } = createFrom(user, tpl, "fork", false);
    await insert();
    expect(await purgeTemplateRows(dbOf(env), tpl.id)).toBeNull();
    expect(await purgeTemplate(env, { id: tpl.id, workspaceId: user.workspaceId })).toBeNull();
    expect(await templateRows(tpl.id)).toBe(1);
    expect(await r2Keys(bundles)).toHaveLength(1);
    expect((await getSessionById(env, id))?.versionId).toBe(tpl.versionId);

    // An operator's restore landing after the purge's check is kept the same way.
    const other = await readyTemplate(user);
    expect((await call("DELETE", `/api/templates/${other.id}`, { user })).status).toBe(200);
    await undeleteTemplateRow(dbOf(env), other.id, Date.now());
    expect(await purgeTemplateRows(dbOf(env), other.id)).toBeNull();
    expect(await templateStatus(user, other.id)).toBe(200);
  });

  it("lets exactly one of a concurrent purge and a session from its version through", async () => {
    const rounds = 8;
    for (let i = 0; i < rounds; i++) {
      const user = await createTestUser();
      const tpl = await readyTemplate(user);
      expect((await call("DELETE", `/api/templates/${tpl.id}`, { user })).status).toBe(200);
      const bundles = versionPrefix(user.workspaceId, tpl.id, tpl.versionId);
      const { id, insert } = createFrom(user, tpl, `fork-${i}`, false);
      const [purged, created] = await raceAt(
        i - rounds / 2,
        () => purgeTemplate(env, { id: tpl.id, workspaceId: user.workspaceId }),
        () =>
          insert().then(
            () => true,
            () => false,
          ),
      );
      expect(purged !== null && created, `round ${i}: both the purge and the session went through`).toBe(false);
      expect(purged !== null || created, `round ${i}: neither went through`).toBe(true);
      // The session keeps its version's rows and objects, or the purge took them and no session was left.
      expect(await templateRows(tpl.id)).toBe(created ? 1 : 0);
      expect(await r2Keys(bundles)).toHaveLength(created ? 1 : 0);
      expect(await getSessionById(env, id)).toEqual(created ? expect.objectContaining({ versionId: tpl.versionId }) : null);
    }
  });
});
