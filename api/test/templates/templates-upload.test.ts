import { env, exports } from "cloudflare:workers";
import type { UploadResult } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { countRows } from "../helpers/db";
import { type TarEntry, tar, targz } from "../helpers/tar";
import { createTemplate, createVersion, insertTestGrant, r2Keys, upload } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

async function setup(user?: TestUser) {
  const owner = user ?? (await createTestUser());
  const tpl = await createTemplate(owner);
  const created = await createVersion(owner, tpl.id, "1.0.0", { persistedPaths: ["."], build: "echo built" });
  return { owner, tpl, versionId: created.version.id, grant: created.uploadGrant };
}

/** Nothing of a rejected upload remains: no R2 object, no build, version still awaiting, grant reusable. */
async function expectNothingLeft(workspaceId: string, templateId: string, versionId: string, grantId: string) {
  expect(await r2Keys(`templates/${workspaceId}/${templateId}/`)).toEqual([]);
  const version = await env.DB.prepare("SELECT status, bundle_key FROM template_versions WHERE id = ?").bind(versionId).first();
  expect(version).toEqual({ status: "awaiting_upload", bundle_key: null });
  expect(await countRows("template_builds", "version_id = ?", versionId)).toBe(0);
  const grant = await env.DB.prepare("SELECT used_at FROM upload_grants WHERE id = ?").bind(grantId).first();
  expect(grant).toEqual({ used_at: null });
}

describe("bundle upload", () => {
  it("streams the bundle to R2 with its SHA-256, marks the version uploaded and queues a build; the grant is single-use", async () => {
    const { owner, tpl, versionId, grant } = await setup();
    const bundle = await targz([
      { name: "README.md", content: "# hi" },
      { name: "src/index.js", content: "console.log('hi')" },
    ]);
    const res = await upload(owner, grant.id, bundle);
    expect(res.status).toBe(201);
    const result = (await res.json()) as UploadResult;
    expect(result.sha256).toBe(await sha256Hex(bundle));
    expect(result).toMatchObject({
      bytes: bundle.length,
      files: 2,
      version: { id: versionId, status: "uploaded" },
      build: { status: "queued" },
    });

    const keys = await r2Keys(`templates/${owner.workspaceId}/${tpl.id}/`);
    expect(keys).toEqual([`templates/${owner.workspaceId}/${tpl.id}/${versionId}/${grant.id}.tar.gz`]);
    const stored = await env.BUCKET.get(keys[0] as string);
    expect(new Uint8Array(await (stored as R2ObjectBody).arrayBuffer())).toEqual(bundle);
    const build = await env.DB.prepare("SELECT status, version_id FROM template_builds WHERE id = ?").bind(result.build.id).first();
    expect(build).toMatchObject({ version_id: versionId });

    const replay = await upload(owner, grant.id, bundle);
    expect(replay.status).toBe(410);
    expect(await replay.json()).toMatchObject({ error: { code: "gone" } });
  });

  it("refuses an expired grant with 410 and leaves nothing", async () => {
    const { owner, tpl, versionId } = await setup();
    const grant = await insertTestGrant(owner, versionId, { expiresAt: Date.now() - 1 });
    const res = await upload(owner, grant.id, await targz([{ name: "a", content: "a" }]));
    expect(res.status).toBe(410);
    expect(await res.json()).toMatchObject({ error: { code: "gone", message: "upload grant expired" } });
    expect(await r2Keys(`templates/${owner.workspaceId}/${tpl.id}/`)).toEqual([]);
    const version = await env.DB.prepare("SELECT status FROM template_versions WHERE id = ?").bind(versionId).first();
    expect(version).toEqual({ status: "awaiting_upload" });
  });

  it("hides a grant from anyone but its user (404), even a teammate", async () => {
    const { owner, grant } = await setup();
    const teammate = await createTestUser({ workspaceId: owner.workspaceId, role: "admin" });
    const stranger = await createTestUser();
    const body = await targz([{ name: "a", content: "a" }]);
    expect((await upload(teammate, grant.id, body)).status).toBe(404);
    expect((await upload(stranger, grant.id, body)).status).toBe(404);
    expect((await call("PUT", `/api/uploads/${grant.id}`, { body })).status).toBe(401);
  });

  it("refuses a body over the grant's size limit with 413 before storing anything", async () => {
    const { owner, tpl, versionId } = await setup();
    const grant = await insertTestGrant(owner, versionId, { maxBytes: 64 });
    const res = await upload(owner, grant.id, await targz([{ name: "big.bin", content: crypto.getRandomValues(new Uint8Array(4096)) }]));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
    await expectNothingLeft(owner.workspaceId, tpl.id, versionId, grant.id);
  });

  it("requires a content-length (a chunked body is refused)", async () => {
    const { owner, tpl, versionId, grant } = await setup();
    const bytes = await targz([{ name: "a", content: "a" }]);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    const res = await exports.default.fetch(
      new Request(`http://localhost:8787/api/uploads/${grant.id}`, { method: "PUT", headers: owner.headers, body: chunked }),
    );
    expect(res.status).toBe(400);
    await expectNothingLeft(owner.workspaceId, tpl.id, versionId, grant.id);
  });

  it("gives the grant back after a rejected bundle so a corrected one can follow", async () => {
    const { owner, versionId, grant } = await setup();
    expect((await upload(owner, grant.id, await targz([{ name: "/abs", content: "x" }]))).status).toBe(422);
    const ok = await upload(owner, grant.id, await targz([{ name: "fixed.txt", content: "x" }]));
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ version: { id: versionId, status: "uploaded" } });
  });

  it("a viewer cannot upload even with a grant they were issued before being demoted", async () => {
    const { owner, tpl, versionId, grant } = await setup();
    // A second owner demotes the first.
    const coOwner = await createTestUser({ workspaceId: owner.workspaceId, role: "owner" });
    const demoted = await call("PATCH", `/api/workspaces/current/members/${owner.userId}`, { user: coOwner, body: { role: "viewer" } });
    expect(demoted.status).toBe(200);
    const res = await upload(owner, grant.id, await targz([{ name: "a", content: "a" }]));
    expect(res.status).toBe(403);
    await expectNothingLeft(owner.workspaceId, tpl.id, versionId, grant.id);
  });

  const unsafeCases: [string, TarEntry[] | (() => Promise<Uint8Array>), RegExp][] = [
    ["absolute path", [{ name: "/etc/profile.d/x.sh", content: "x" }], /absolute path/],
    ["dot-dot path", [{ name: "../escape.txt", content: "x" }], /"\.\."/],
    ["symlink out of the tree", [{ name: "link", type: "symlink", linkname: "../../../etc/passwd" }], /symlink link points outside/],
    ["hardlink out of the tree", [{ name: "hl", type: "link", linkname: "/etc/shadow" }], /hardlink hl points outside/],
    ["too many files", Array.from({ length: 20_001 }, (_, i) => ({ name: `f/${i}`, type: "dir" as const })), /too many files/],
    ["decompression bomb", [{ name: "zeros", content: new Uint8Array(24 * 1024 * 1024) }], /decompression bomb/],
    ["non-gzip body", async () => tar([{ name: "plain.txt", content: "not gzip" }]), /not a gzip archive/],
  ];

  for (const [label, entries, message] of unsafeCases) {
    it(`rejects ${label} with 422 unsafe_archive and leaves nothing in R2 or D1`, async () => {
      const { owner, tpl, versionId, grant } = await setup();
      const body = typeof entries === "function" ? await entries() : await targz(entries);
      const res = await upload(owner, grant.id, body);
      expect(res.status).toBe(422);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("unsafe_archive");
      expect(error.message).toMatch(message);
      await expectNothingLeft(owner.workspaceId, tpl.id, versionId, grant.id);
    });
  }
});
