import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import { seededTemplateSchema } from "@burstflare/sdk/schemas/seed";
import { seedClient } from "./users";

/**
 * A workspace template with one active version and no bundle, seeded by the operator
 * (POST /api/admin/seed/templates) so a stack test can pick a manifest (a short idle timeout,
 * a bootstrap) without a build. `legacyEnv` is stored unchecked, as a version saved before
 * today's env rules.
 */
export async function createStackTemplate(workspaceId: string, manifest: Manifest, legacyEnv?: Record<string, string>): Promise<string> {
  const seeded = await seedClient().call("POST /api/admin/seed/templates", {
    body: { workspaceId, manifest, ...(legacyEnv ? { legacyEnv } : {}) },
    schema: seededTemplateSchema,
  });
  return seeded.templateId;
}
