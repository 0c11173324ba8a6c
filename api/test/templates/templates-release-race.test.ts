import { env } from "cloudflare:workers";
import { templateDetailSchema } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { rollbackTarget } from "../../src/templates/releases";
import { deleteVersionRows, insertRelease, versionHasArtifact } from "../../src/templates/templates-repo";
import { raceAt } from "../helpers/race";
import { builtVersion, builtVersions, createTemplate, promote, promoteAll } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * A promote or rollback against the delete of the version it names. Both checked the version, then
 * wrote the release in statements that did not require it, so a delete landing between left the
 * template promoted to a version that no longer exists. Whichever lands second must be refused.
 */

/** The template's promoted version (id and label: a deleted one has none) and its releases, oldest first. */
async function releases(user: TestUser, templateId: string) {
  const res = await call("GET", `/api/templates/${templateId}`, { user });
  const { template, releases } = templateDetailSchema.parse(await res.json());
  const history = releases.map((r) => `${r.kind} ${r.version}`).reverse();
  return { active: template.activeVersionId, label: template.activeVersion, history };
}

/** The release write as promoteVersion and rollback make it. */
const writeRelease = (user: TestUser, templateId: string, versionId: string, kind: "promote" | "rollback") =>
  insertRelease(dbOf(env), { id: newId("tpr"), templateId, versionId, kind, actorId: user.userId, at: Date.now() });

const removeVersion = (user: TestUser, templateId: string, versionId: string) =>
  call("DELETE", `/api/templates/${templateId}/versions/${versionId}`, { user });

describe("promoting or rolling back to a template version while it is deleted", () => {
  it("writes no promote when the version was deleted after the promote checked it", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const [v1, v2] = [await builtVersion(user, tpl.id, "1"), await builtVersion(user, tpl.id, "2")];
    await promote(user, tpl.id, v1);
    // What the promote checked before it wrote: 2 has a succeeded build.
    expect(await versionHasArtifact(dbOf(env), tpl.id, v2)).toBe(true);
    // Neither promoted nor a rollback target, 2's delete passes.
    expect((await removeVersion(user, tpl.id, v2)).status).toBe(200);
    expect(await writeRelease(user, tpl.id, v2, "promote")).toBe(false);
    expect(await releases(user, tpl.id)).toEqual({ active: v1, label: "1", history: ["promote 1"] });
  });

  it("writes no rollback when its target was deleted after the rollback found it", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const [v1, v2, v3] = await builtVersions(user, tpl.id, ["1", "2", "3"]);
    await promoteAll(user, tpl.id, [v1, v2, v3]);
    // A delete of 1 checked it here (neither promoted nor the rollback target, 2 was).
    expect((await rollbackTarget(env, tpl.id))?.versionId).toBe(v2);
    expect((await call("POST", `/api/templates/${tpl.id}/rollback`, { user })).status).toBe(200);
    // A second rollback finds 1, then the delete's write lands before the rollback's.
    expect((await rollbackTarget(env, tpl.id))?.versionId).toBe(v1);
    expect(await deleteVersionRows(dbOf(env), v1)).not.toBeNull();
    expect(await writeRelease(user, tpl.id, v1, "rollback")).toBe(false);
    const history = ["promote deleted", "promote 2", "promote 3", "rollback 2"];
    expect(await releases(user, tpl.id)).toEqual({ active: v2, label: "2", history });
    const res = await call("POST", `/api/templates/${tpl.id}/rollback`, { user });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_state", message: expect.any(String) } });
  });

  it("lets exactly one of a concurrent promote and delete through, never promoting a deleted version", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    await promote(user, tpl.id, await builtVersion(user, tpl.id, "base"));
    const rounds = 10;
    for (let i = 0; i < rounds; i++) {
      const v = await builtVersion(user, tpl.id, `r${i}`);
      const before = await releases(user, tpl.id);
      const [promoted, deleted] = await raceAt(
        i - rounds / 2,
        () => call("POST", `/api/templates/${tpl.id}/promote`, { user, body: { versionId: v } }),
        () => removeVersion(user, tpl.id, v),
      );
      expect(promoted.ok && deleted.ok, `round ${i}: both the promote and the delete went through`).toBe(false);
      expect(promoted.ok || deleted.ok, `round ${i}: neither went through`).toBe(true);
      const loser = promoted.ok ? deleted : promoted;
      expect([404, 409]).toContain(loser.status);
      expect(await loser.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      const after = await releases(user, tpl.id);
      if (promoted.ok) expect(after).toEqual({ active: v, label: `r${i}`, history: [...before.history, `promote r${i}`] });
      else expect(after, `round ${i}: the deleted version was promoted`).toEqual(before);
    }
  });
});
