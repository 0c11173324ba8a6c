import { env } from "cloudflare:workers";
import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import type { CreateVersionResponse, Template } from "@burstflare/sdk/schemas/templates";
import { expect } from "vitest";
import { newId } from "../../src/lib/crypto";
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

/** Arranges a version with a succeeded build, as the pipeline would leave it (for promotion rules). */
export async function markBuilt(workspaceId: string, templateId: string, versionId: string): Promise<string> {
  const id = newId("bld");
  const t = Date.now();
  await env.DB.prepare(
    `INSERT INTO template_builds (id, workspace_id, template_id, version_id, status, attempts, artifact_key, artifact_bytes, created_at, finished_at, updated_at)
     VALUES (?, ?, ?, ?, 'succeeded', 1, ?, 10, ?, ?, ?)`,
  )
    .bind(id, workspaceId, templateId, versionId, `builds/${workspaceId}/${id}/artifact.tar.gz`, t, t, t)
    .run();
  await env.DB.prepare("UPDATE template_versions SET status = 'uploaded', bundle_bytes = 5 WHERE id = ?").bind(versionId).run();
  return id;
}

export async function r2Keys(prefix: string): Promise<string[]> {
  const list = await env.BUCKET.list({ prefix });
  return list.objects.map((o) => o.key);
}
