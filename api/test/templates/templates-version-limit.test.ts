import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_VERSIONS_PER_TEMPLATE } from "../../src/templates/templates-repo";
import { countRows } from "../helpers/db";
import { expectBurstCapped } from "../helpers/limits";
import { createTemplate } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * A version waiting for its bundle counts against no byte quota, yet its manifest may fill most of a
 * 256 KiB request: any account could grow the shared D1 by a loop of POSTs to one of its templates
 * (and the template's page lists every version). Now a template holds at most
 * MAX_VERSIONS_PER_TEMPLATE versions, counted in the INSERT itself.
 */

/** Versions written straight to D1: the API under test is the one past them. */
async function seedVersions(user: TestUser, templateId: string, n: number): Promise<void> {
  const statements = Array.from({ length: n }, (_, i) =>
    env.DB.prepare(
      `INSERT INTO template_versions (id, template_id, workspace_id, version, manifest, status, created_by, created_at)
       VALUES (?, ?, ?, ?, '{"persistedPaths":[]}', 'awaiting_upload', ?, ?)`,
    ).bind(`tpv_seed_${crypto.randomUUID()}`, templateId, user.workspaceId, `seed-${i}`, user.userId, Date.now() - 60_000 + i),
  );
  await env.DB.batch(statements);
}

const createVersion = (user: TestUser, templateId: string, version: string) =>
  call("POST", `/api/templates/${templateId}/versions`, { user, body: { version, manifest: { persistedPaths: [] } } });

describe("template versions are bounded per template", () => {
  it("a parallel burst past the limit makes exactly the versions that fit; the rest answer 403 quota_exceeded", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    await seedVersions(user, tpl.id, MAX_VERSIONS_PER_TEMPLATE - 5);

    let n = 0;
    await expectBurstCapped(() => createVersion(user, tpl.id, `burst-${n++}`), 12, 5, "templateVersions", MAX_VERSIONS_PER_TEMPLATE);
    expect(await countRows("template_versions", "template_id = ?", tpl.id)).toBe(MAX_VERSIONS_PER_TEMPLATE);
    // A refused create leaves no upload grant behind either.
    expect(await countRows("upload_grants", "workspace_id = ?", user.workspaceId)).toBe(5);

    // Deleting a version frees its place.
    const oldest = await env.DB.prepare("SELECT id FROM template_versions WHERE template_id = ? ORDER BY created_at LIMIT 1")
      .bind(tpl.id)
      .first<{ id: string }>();
    expect((await call("DELETE", `/api/templates/${tpl.id}/versions/${oldest?.id}`, { user })).status).toBe(200);
    expect((await createVersion(user, tpl.id, "after-delete")).status).toBe(201);
    expect((await createVersion(user, tpl.id, "one-too-many")).status).toBe(403);
  });
});
