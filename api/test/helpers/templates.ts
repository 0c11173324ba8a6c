import { env } from "cloudflare:workers";
import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import type { CreateVersionResponse, Template } from "@burstflare/sdk/schemas/templates";
import { expect } from "vitest";
import { insertBuildStatement, markBuildSucceeded } from "../../src/builds/builds-repo";
import { newId } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { buildArtifactKey, bundleKey } from "../../src/templates/keys";
import { markVersionUploadedStatement } from "../../src/templates/templates-repo";
import { call, type TestUser } from "./users";

export async function createTemplate(user: TestUser, name = `tpl-${crypto.randomUUID().slice(0, 8)}`): Promise<Template> {
  const res = await call("POST", "/api/templates", { user, body: { name } });
  expect(res.status).toBe(201);
  return res.json();
}

export async function createVersion(
  user: TestUser,
  templateId: string,
  version = "1.0.0",
  manifest: Manifest = { persistedPaths: ["."] },
): Promise<CreateVersionResponse> {
  const res = await call("POST", `/api/templates/${templateId}/versions`, { user, body: { version, manifest } });
  expect(res.status).toBe(201);
  return res.json();
}

export async function upload(user: TestUser, grantId: string, body: Uint8Array): Promise<Response> {
  return call("PUT", `/api/uploads/${grantId}`, {
    user,
    body,
    headers: { "content-type": "application/gzip", "content-length": String(body.length) },
  });
}

/**
 * Arranges a version with a succeeded build, as the pipeline would leave it (for promotion rules):
 * the upload's batch (version uploaded + queued build) and the runner's success, without R2 objects.
 */
export async function markBuilt(workspaceId: string, templateId: string, versionId: string): Promise<string> {
  const id = newId("bld");
  const t = Date.now();
  const db = dbOf(env);
  const sha256 = "0".repeat(64);
  await db.batch([
    markVersionUploadedStatement(db, versionId, { key: bundleKey(workspaceId, templateId, versionId, newId("upg")), sha256, bytes: 5 }),
    insertBuildStatement(db, { id, workspaceId, templateId, versionId, at: t }),
  ]);
  await markBuildSucceeded(db, id, { key: buildArtifactKey(workspaceId, id), sha256, bytes: 10 }, t);
  return id;
}

export async function r2Keys(prefix: string): Promise<string[]> {
  const list = await env.BUCKET.list({ prefix });
  return list.objects.map((o) => o.key);
}
