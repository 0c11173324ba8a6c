import { env } from "cloudflare:workers";
import { templateDetailSchema } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { MAX_RELEASES_PER_TEMPLATE } from "../../src/templates/templates-repo";
import { countRows } from "../helpers/db";
import { builtVersions, createTemplate, promote, promoteAll } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * Every promote and rollback kept a release row, and each one replayed the whole history to find
 * the rollback target, so an owner looping them grew the shared D1 and every later release's read
 * without end (and the template's page listed them all). Now a template keeps its newest
 * MAX_RELEASES_PER_TEMPLATE releases, pruned in the release's own batch, and the stack a rollback
 * walks lives on the template, so pruning the history does not lose the versions below.
 */

const detail = async (user: TestUser, templateId: string) =>
  templateDetailSchema.parse(await (await call("GET", `/api/templates/${templateId}`, { user })).json());

const rollback = async (user: TestUser, templateId: string) => {
  const res = await call("POST", `/api/templates/${templateId}/rollback`, { user });
  expect(res.status).toBe(200);
  return templateDetailSchema.parse(await res.json());
};

describe("template releases are bounded per template", () => {
  it("a loop of promotes and rollbacks keeps the newest releases, and rollback still lands below them", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const [a, b, c] = await builtVersions(user, tpl.id, ["a", "b", "c"]);
    await promoteAll(user, tpl.id, [a, b]);
    // Each turn adds two releases: past the bound, a and b's promotes are the oldest rows.
    const turns = MAX_RELEASES_PER_TEMPLATE / 2 + 5;
    for (let i = 0; i < turns; i++) {
      await promote(user, tpl.id, c);
      expect((await rollback(user, tpl.id)).template.activeVersionId).toBe(b);
    }

    expect(await countRows("template_releases", "template_id = ?", tpl.id)).toBe(MAX_RELEASES_PER_TEMPLATE);
    const shown = await detail(user, tpl.id);
    expect(shown.releases).toHaveLength(MAX_RELEASES_PER_TEMPLATE);
    // Newest first: the last rollback to b, then the promote of c before it.
    expect(shown.releases.slice(0, 2).map((r) => `${r.kind} ${r.version}`)).toEqual(["rollback b", "promote c"]);
    // a's promote is long pruned, yet it is still below b.
    expect(shown.rollbackTarget?.versionId).toBe(a);
    const back = await rollback(user, tpl.id);
    expect(back.template.activeVersionId).toBe(a);
    expect(back.rollbackTarget).toBeNull();
    expect((await call("POST", `/api/templates/${tpl.id}/rollback`, { user })).status).toBe(409);
    expect(await countRows("template_releases", "template_id = ?", tpl.id)).toBe(MAX_RELEASES_PER_TEMPLATE);
  });

  it("a template whose history predates the stored stack replays it once, on its next release", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const [a, b, c] = await builtVersions(user, tpl.id, ["a", "b", "c"]);
    await promoteAll(user, tpl.id, [a, b, c]);
    // fixture-sql: releases written without a release_stack (as the seeded starter's are); no route clears it
    await env.DB.prepare("UPDATE templates SET release_stack = NULL WHERE id = ?").bind(tpl.id).run();
    expect((await detail(user, tpl.id)).rollbackTarget?.versionId).toBe(b);
    expect((await rollback(user, tpl.id)).rollbackTarget?.versionId).toBe(a);
    expect((await rollback(user, tpl.id)).template.activeVersionId).toBe(a);
  });
});
