import { env } from "cloudflare:workers";
import type { Build } from "@burstflare/sdk/schemas/builds";
import type { Manifest } from "@burstflare/sdk/schemas/manifest";
import { BUNDLE_MAX_BYTES, type CreateVersionResponse, type Template, UPLOAD_GRANT_TTL_MS } from "@burstflare/sdk/schemas/templates";
import { expect } from "vitest";
import {
  insertBuildStatement,
  markBuildBuilding,
  markBuildDeadLettered,
  markBuildFailed,
  markBuildSucceeded,
} from "../../src/builds/builds-repo";
import { newId } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { buildArtifactKey, bundleKey, versionPrefix } from "../../src/templates/keys";
import { markVersionUploadedStatement } from "../../src/templates/templates-repo";
import { insertGrant } from "../../src/templates/upload-grants-repo";
import { postAsOperator } from "./operator";
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
    markVersionUploadedStatement(
      db,
      versionId,
      { key: bundleKey(workspaceId, templateId, versionId, newId("upg")), sha256, bytes: 5 },
      null,
    ),
    insertBuildStatement(db, { id, workspaceId, templateId, versionId, at: t }),
  ]);
  await markBuildSucceeded(db, id, { key: buildArtifactKey(workspaceId, id), sha256, bytes: 10 }, t);
  return id;
}

/** A built version with its bundle and artifact in R2, as an upload and its build leave them. */
export async function builtVersion(user: TestUser, templateId: string, label: string): Promise<string> {
  const { version } = await createVersion(user, templateId, label);
  const buildId = await markBuilt(user.workspaceId, templateId, version.id);
  await env.BUCKET.put(`${versionPrefix(user.workspaceId, templateId, version.id)}bundle.tar.gz`, "bundle");
  await env.BUCKET.put(buildArtifactKey(user.workspaceId, buildId), "artifact");
  return version.id;
}

/** builtVersion for each label, in order (the first is the oldest). */
export async function builtVersions<const L extends readonly string[]>(
  user: TestUser,
  templateId: string,
  labels: L,
): Promise<{ [K in keyof L]: string }> {
  const ids: string[] = [];
  for (const label of labels) ids.push(await builtVersion(user, templateId, label));
  return ids as { [K in keyof L]: string };
}

export async function promote(user: TestUser, templateId: string, versionId: string): Promise<void> {
  expect((await call("POST", `/api/templates/${templateId}/promote`, { user, body: { versionId } })).status).toBe(200);
}

/** promote each version in turn, oldest first: the release stack then holds them in that order. */
export async function promoteAll(user: TestUser, templateId: string, versionIds: readonly string[]): Promise<void> {
  for (const v of versionIds) await promote(user, templateId, v);
}

/**
 * A build of the version as the pipeline leaves one, without running it: queued, taken by a
 * runner at `startedAt` (building), then failed with `error` or dead-lettered after its retries.
 */
export async function insertTestBuild(
  workspaceId: string,
  templateId: string,
  versionId: string,
  outcome: { status: "building"; startedAt?: number } | { status: "failed"; error: string } | { status: "dead_lettered" },
): Promise<string> {
  const id = newId("bld");
  const t = Date.now();
  const db = dbOf(env);
  const startedAt = outcome.status === "building" ? (outcome.startedAt ?? t) : t;
  await db.batch([insertBuildStatement(db, { id, workspaceId, templateId, versionId, at: startedAt })]);
  await markBuildBuilding(db, id, startedAt);
  if (outcome.status === "failed") await markBuildFailed(db, id, outcome.error, t);
  if (outcome.status === "dead_lettered") await markBuildDeadLettered(db, id, t);
  return id;
}

/**
 * An upload grant for the version as createGrant stores one, but with the given size limit or
 * expiry (createGrant always uses BUNDLE_MAX_BYTES and UPLOAD_GRANT_TTL_MS).
 */
export async function insertTestGrant(
  user: TestUser,
  versionId: string,
  opts: { maxBytes?: number; expiresAt?: number },
): Promise<{ id: string }> {
  const id = newId("upg");
  const t = Date.now();
  await insertGrant(dbOf(env), {
    id,
    workspaceId: user.workspaceId,
    versionId,
    userId: user.userId,
    maxBytes: opts.maxBytes ?? BUNDLE_MAX_BYTES,
    createdAt: t,
    expiresAt: opts.expiresAt ?? t + UPLOAD_GRANT_TTL_MS,
  });
  return { id };
}

/** Moves an upload grant's expiry into the past (by default just past), as waiting out its TTL would. */
export async function expireUploadGrant(grantId: string, expiresAt = Date.now() - 1): Promise<void> {
  // fixture-sql: the grant's expiry moved into the past, as waiting out its TTL would leave it
  await env.DB.prepare("UPDATE upload_grants SET expires_at = ? WHERE id = ?").bind(expiresAt, grantId).run();
}

/** POST `path` (the dead-letter retry, under its current or its old name) refuses `user` and answers the operator with a count. */
export async function expectDeadLetteredRetry(path: string, user: TestUser, operator: TestUser): Promise<void> {
  const res = await postAsOperator(path, user, operator);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ count: expect.any(Number) });
}

export async function r2Keys(prefix: string): Promise<string[]> {
  const list = await env.BUCKET.list({ prefix });
  return list.objects.map((o) => o.key);
}

/** Polls a build until `done` holds (the build as its members see it). */
export async function waitForBuild(user: TestUser, buildId: string, done: (b: Build) => boolean, timeoutMs = 45_000): Promise<Build> {
  const deadline = Date.now() + timeoutMs;
  let last: Build | null = null;
  while (Date.now() < deadline) {
    const res = await call("GET", `/api/template-builds/${buildId}`, { user });
    last = (await res.json()) as Build;
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`build ${buildId} did not settle: ${JSON.stringify(last)}`);
}

export const finished = (b: Build) => ["succeeded", "failed", "dead_lettered"].includes(b.status);
