import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import { seededTemplateSchema } from "@burstflare/sdk/schemas/seed";
import type { Session } from "@burstflare/sdk/schemas/sessions";
import { createSession } from "./api";
import { type StackUser, seedClient } from "./users";

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

/** A new session of a fresh template with `manifest`; `body` is the rest of POST /api/sessions' body (name, …). */
export async function createSessionWithManifest(user: StackUser, manifest: Manifest, body: Record<string, unknown>): Promise<Session> {
  const templateId = await createStackTemplate(user.workspaceId, manifest);
  return createSession(user, { ...body, templateId });
}
