import { createVersionResponse } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { MAX_VERSIONS_PER_TEMPLATE } from "../../src/templates/templates-repo";
import { countRows } from "../helpers/db";
import { expectBurstCapped, makeMany } from "../helpers/limits";
import { createTemplate } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * A version waiting for its bundle counts against no byte quota, yet its manifest may fill most of a
 * 256 KiB request: any account could grow the shared D1 by a loop of POSTs to one of its templates
 * (and the template's page lists every version). Now a template holds at most
 * MAX_VERSIONS_PER_TEMPLATE versions, counted in the INSERT itself.
 */

const createVersion = (user: TestUser, templateId: string, version: string) =>
  call("POST", `/api/templates/${templateId}/versions`, { user, body: { version, manifest: { persistedPaths: [] } } });

describe("template versions are bounded per template", () => {
  it("a parallel burst past the limit makes exactly the versions that fit; the rest answer 403 quota_exceeded", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    const seeded = await makeMany(MAX_VERSIONS_PER_TEMPLATE - 5, async (i) => {
      const res = await createVersion(user, tpl.id, `seed-${i}`);
      expect(res.status).toBe(201);
      return createVersionResponse.parse(await res.json()).version.id;
    });

    let n = 0;
    await expectBurstCapped(() => createVersion(user, tpl.id, `burst-${n++}`), 12, 5, "templateVersions", MAX_VERSIONS_PER_TEMPLATE);
    expect(await countRows("template_versions", "template_id = ?", tpl.id)).toBe(MAX_VERSIONS_PER_TEMPLATE);
    // A refused create leaves no upload grant behind either: one grant for each version made.
    expect(await countRows("upload_grants", "workspace_id = ?", user.workspaceId)).toBe(MAX_VERSIONS_PER_TEMPLATE);

    // Deleting a version frees its place.
    expect((await call("DELETE", `/api/templates/${tpl.id}/versions/${seeded[0]}`, { user })).status).toBe(200);
    expect((await createVersion(user, tpl.id, "after-delete")).status).toBe(201);
    expect((await createVersion(user, tpl.id, "one-too-many")).status).toBe(403);
  });
});
