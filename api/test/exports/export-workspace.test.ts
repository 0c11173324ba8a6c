import { env } from "cloudflare:workers";
import { workspaceExportListSchema, workspaceExportSchema } from "@burstflare/sdk/schemas/snapshots";
import { describe, expect, it } from "vitest";
import { seedSecrets } from "../../src/admin/seed";
import { writeAudit } from "../../src/lib/audit";
import { sha256Hex } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { insertAudit } from "../../src/workspaces/audit-repo";
import { createInvite, hashInviteCode } from "../../src/workspaces/invites";
import { listSealedSecrets } from "../../src/workspaces/secrets-repo";
import { operatorUser, postAsOperator } from "../helpers/operator";
import { insertReadySnapshot, insertTestSession } from "../helpers/snapshots";
import { call, createTestUser } from "../helpers/users";

interface ExportDocument {
  format: string;
  formatVersion: number;
  workspace: { id: string };
  members: { user_id: string; email: string; role: string }[];
  invites: Record<string, unknown>[];
  secrets: Record<string, unknown>[];
  sessions: { id: string }[];
  snapshots: { id: string; sha256: string | null }[];
  auditLog: { action: string }[];
  [section: string]: unknown;
}

async function seededWorkspace() {
  const owner = await createTestUser();
  const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
  const sessionId = await insertTestSession(owner.workspaceId, owner.userId);
  const snap = await insertReadySnapshot(owner.workspaceId, sessionId, { label: "nightly" });
  await seedSecrets(env, owner.workspaceId, { NPM_TOKEN: "npm-secret" });
  const [sealed] = await listSealedSecrets(dbOf(env), owner.workspaceId);
  const invite = await createInvite(env, {
    workspaceId: owner.workspaceId,
    createdBy: owner.userId,
    creatorRole: "owner",
    email: "x@example.com",
    role: "member",
    expiresInHours: 24,
  });
  const secretMaterial = [sealed?.ciphertext ?? "", sealed?.iv ?? "", await hashInviteCode(invite.code)];
  return { owner, member, sessionId, snap, secretMaterial };
}

describe("workspace export", () => {
  it("writes every section of the workspace to R2 and downloads it byte-identical to its sha256", async () => {
    const { owner, member, sessionId, snap, secretMaterial } = await seededWorkspace();
    // Enough audit rows to span several pages of the paged reader.
    for (let i = 0; i < 1100; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          insertAudit(dbOf(env), {
            id: `aud_${owner.workspaceId}_${i + j}`,
            workspaceId: owner.workspaceId,
            action: "test.event",
            createdAt: i + j,
          }),
        ),
      );
    }
    const other = await createTestUser();
    await writeAudit(env, { workspaceId: other.workspaceId, action: "other.workspace" });

    const res = await call("POST", "/api/workspaces/current/exports", { user: owner });
    expect(res.status).toBe(201);
    const created = workspaceExportSchema.parse(await res.json());
    expect(created.workspaceId).toBe(owner.workspaceId);
    expect(created.counts).toMatchObject({ members: 2, sessions: 1, snapshots: 1, secrets: 1, invites: 1 });
    expect(created.counts.auditLog).toBe(1100);

    const download = await call("GET", created.downloadURL, { user: owner });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/json");
    const text = await download.text();
    expect(await sha256Hex(text)).toBe(created.sha256);
    expect(new TextEncoder().encode(text).byteLength).toBe(created.bytes);

    const doc = JSON.parse(text) as ExportDocument;
    expect(doc.format).toBe("burstflare.workspace-export");
    expect(doc.workspace.id).toBe(owner.workspaceId);
    expect(doc.members.map((m) => m.user_id).sort()).toEqual([owner.userId, member.userId].sort());
    expect(doc.sessions.map((s) => s.id)).toEqual([sessionId]);
    expect(doc.snapshots).toEqual([expect.objectContaining({ id: snap.id, sha256: snap.sha256, label: "nightly" })]);
    expect(doc.auditLog).toHaveLength(1100);
    expect(doc.auditLog.some((a) => a.action === "other.workspace")).toBe(false);
    for (const section of ["templates", "templateVersions", "templateReleases", "templateBuilds", "quotaOverrides", "usageDaily"]) {
      expect(Array.isArray(doc[section]), section).toBe(true);
    }
    // Secret material never leaves: no ciphertext, no invite code hash.
    expect(secretMaterial.every(Boolean)).toBe(true);
    for (const material of secretMaterial) expect(text).not.toContain(material);
    expect(doc.secrets[0]).toEqual(expect.objectContaining({ name: "NPM_TOKEN" }));

    const list = workspaceExportListSchema.parse(await (await call("GET", "/api/workspaces/current/exports", { user: owner })).json());
    expect(list.exports.map((e) => e.id)).toEqual([created.id]);
    const auditRow = await env.DB.prepare("SELECT action FROM audit_log WHERE target_id = ?").bind(created.id).first<{ action: string }>();
    expect(auditRow?.action).toBe("workspace.export");
  });

  it("is for owners and admins only, and another workspace's export answers 404", async () => {
    const { owner, member } = await seededWorkspace();
    expect((await call("POST", "/api/workspaces/current/exports", { user: member })).status).toBe(403);
    const created = workspaceExportSchema.parse(await (await call("POST", "/api/workspaces/current/exports", { user: owner })).json());
    expect((await call("GET", created.downloadURL, { user: member })).status).toBe(403);
    const stranger = await createTestUser();
    expect((await call("GET", `/api/workspaces/current/exports/${created.id}`, { user: stranger })).status).toBe(404);
    expect((await call("GET", "/api/workspaces/current/exports/..%2F..%2Fsecrets", { user: owner })).status).toBe(400);
    expect((await call("POST", "/api/workspaces/current/exports")).status).toBe(401);
  });

  it("lets an operator export any workspace, and nobody else", async () => {
    const { owner } = await seededWorkspace();
    const operator = await operatorUser();
    const res = await postAsOperator(`/api/admin/workspaces/${owner.workspaceId}/exports`, owner, operator);
    expect(res.status).toBe(201);
    const created = workspaceExportSchema.parse(await res.json());
    expect(created.downloadURL).toBe(`/api/admin/workspaces/${owner.workspaceId}/exports/${created.id}`);
    const download = await call("GET", created.downloadURL, { user: operator });
    expect(download.status).toBe(200);
    expect(((await download.json()) as ExportDocument).workspace.id).toBe(owner.workspaceId);
    expect((await call("GET", created.downloadURL, { user: owner })).status).toBe(403);
    // The owner sees the operator's export in their own list too.
    expect((await call("GET", `/api/workspaces/current/exports/${created.id}`, { user: owner })).status).toBe(200);
    expect((await call("POST", "/api/admin/workspaces/ws_missing/exports", { user: operator })).status).toBe(404);
  });

  it("keeps a workspace's newest 10 exports of its own, and an operator's whatever the workspace makes", async () => {
    // Every export is audited and the audit log is exported: with none ever deleted, export n held
    // n-1 export rows, and a free account grew R2 quadratically, counted against no quota.
    const { owner } = await seededWorkspace();
    const operator = await operatorUser();
    const byOperator = workspaceExportSchema.parse(
      await (await postAsOperator(`/api/admin/workspaces/${owner.workspaceId}/exports`, owner, operator)).json(),
    );
    const made: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await call("POST", "/api/workspaces/current/exports", { user: owner });
      expect(res.status).toBe(201);
      made.push(workspaceExportSchema.parse(await res.json()).id);
    }
    const listed = workspaceExportListSchema.parse(await (await call("GET", "/api/workspaces/current/exports", { user: owner })).json());
    expect(listed.exports.map((e) => e.id).sort()).toEqual([...made.slice(2), byOperator.id].sort());
    for (const gone of made.slice(0, 2)) {
      expect((await call("GET", `/api/workspaces/current/exports/${gone}`, { user: owner })).status).toBe(404);
    }
    const objects = await env.BUCKET.list({ prefix: `exports/${owner.workspaceId}/` });
    expect(objects.objects).toHaveLength(2 * 11);
    expect((await call("GET", `/api/admin/workspaces/${owner.workspaceId}/exports/${byOperator.id}`, { user: operator })).status).toBe(200);
  });
});

describe("R2TextWriter", () => {
  it("writes a document larger than one part as a multipart upload with the right hash", async () => {
    const { R2TextWriter } = await import("../../src/exports/r2-writer");
    const writer = new R2TextWriter(env.BUCKET, "t/export-large.json", { httpMetadata: { contentType: "application/json" } });
    const line = `${"x".repeat(1023)}\n`;
    for (let i = 0; i < 19 * 1024; i++) await writer.write(line);
    const result = await writer.close();
    expect(result.bytes).toBe(19 * 1024 * 1024);
    const object = await env.BUCKET.get("t/export-large.json");
    expect(object?.size).toBe(result.bytes);
    expect(await sha256Hex(await object!.arrayBuffer())).toBe(result.sha256);
  });
});
