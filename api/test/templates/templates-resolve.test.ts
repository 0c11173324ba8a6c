import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { resolveTemplateForSession } from "../../src/templates/resolve";
import { STARTER_TEMPLATE_ID, STARTER_VERSION_ID } from "../../src/templates/starter";
import { createTestUser } from "../helpers/users";

describe("resolveTemplateForSession", () => {
  it("gives the seeded built-in starter when no template is named", async () => {
    const user = await createTestUser();
    const resolved = await resolveTemplateForSession(env, user.workspaceId);
    expect(resolved.templateId).toBe(STARTER_TEMPLATE_ID);
    expect(resolved.versionId).toBe(STARTER_VERSION_ID);
    // The manifest comes from the seed migration, its one copy.
    expect(resolved.manifest.persistedPaths).toEqual(["."]);
    expect(resolved.manifest.previewPort).toBe(3000);
    expect(resolved.manifest.bootstrap).toContain("Hello from BurstFlare");
    expect(resolved.artifactKey).toBeNull();
  });

  it("the starter is usable by id from any workspace", async () => {
    const user = await createTestUser();
    const resolved = await resolveTemplateForSession(env, user.workspaceId, STARTER_TEMPLATE_ID);
    expect(resolved.manifest.previewPort).toBe(3000);
  });

  it("answers 404 for an unknown template", async () => {
    const user = await createTestUser();
    await expect(resolveTemplateForSession(env, user.workspaceId, "tpl_nope")).rejects.toMatchObject({ code: "not_found" });
  });
});
