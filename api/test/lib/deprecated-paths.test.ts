import { workspaceExportListSchema, workspaceExportSchema } from "@burstflare/sdk/schemas/snapshots";
import { describe, expect, it } from "vitest";
import { currentPathOf, DEPRECATED_PATHS } from "../../src/lib/deprecated-paths";
import { operatorUser, postAsOperator } from "../helpers/operator";
import { expectDeadLetteredRetry } from "../helpers/templates";
import { call, createTestUser } from "../helpers/users";

/** The pre-rename paths answer like their successors until removed (docs/architecture.md). */
describe("deprecated paths", () => {
  it("map onto their successors only for their method and whole path", () => {
    expect(currentPathOf("POST", "/api/workspaces/current/export")?.path).toBe("/api/workspaces/current/exports");
    expect(currentPathOf("POST", "/api/admin/workspaces/ws_1/export")?.path).toBe("/api/admin/workspaces/ws_1/exports");
    expect(currentPathOf("POST", "/api/admin/builds/bld_1/retry")?.path).toBe("/api/admin/template-builds/bld_1/retry");
    expect(currentPathOf("GET", "/api/workspaces/current/export")).toBeNull();
    expect(currentPathOf("POST", "/api/admin/workspaces/ws_1/export/x")).toBeNull();
    expect(currentPathOf("POST", "/api/admin/builds/a/b/retry")).toBeNull();
    expect(currentPathOf("POST", "/api/workspaces/current/exports")).toBeNull();
  });

  it("old export paths create exports with the same permissions, marked deprecated", async () => {
    const owner = await createTestUser();
    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    expect((await call("POST", "/api/workspaces/current/export", { user: member })).status).toBe(403);
    expect((await call("POST", "/api/workspaces/current/export")).status).toBe(401);
    const res = await call("POST", "/api/workspaces/current/export", { user: owner });
    expect(res.status).toBe(201);
    expect(res.headers.get("deprecation")).toBe("true");
    expect(res.headers.get("link")).toBe('</api/workspaces/current/exports>; rel="successor-version"');
    const created = workspaceExportSchema.parse(await res.json());
    const list = workspaceExportListSchema.parse(await (await call("GET", "/api/workspaces/current/exports", { user: owner })).json());
    expect(list.exports.map((e) => e.id)).toContain(created.id);
    // The successor carries no deprecation mark.
    const fresh = await call("POST", "/api/workspaces/current/exports", { user: owner });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get("deprecation")).toBeNull();

    const operator = await operatorUser();
    const admin = await postAsOperator(`/api/admin/workspaces/${owner.workspaceId}/export`, owner, operator);
    expect(admin.status).toBe(201);
    expect(workspaceExportSchema.parse(await admin.json()).downloadURL).toMatch(
      new RegExp(`^/api/admin/workspaces/${owner.workspaceId}/exports/`),
    );
    expect((await call("POST", "/api/admin/workspaces/ws_missing/export", { user: operator })).status).toBe(404);
  });

  it("old admin build paths answer as the template-builds ones", async () => {
    const user = await createTestUser();
    const operator = await operatorUser();
    await expectDeadLetteredRetry("/api/admin/builds/retry-dead-lettered", user, operator);
    const missing = await postAsOperator("/api/admin/builds/bld_nope/retry", user, operator);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("are listed in the OpenAPI document as deprecated", async () => {
    const doc = (await (await call("GET", "/api/openapi.json")).json()) as {
      paths: Record<string, Record<string, { deprecated?: boolean }>>;
    };
    for (const p of DEPRECATED_PATHS) {
      expect(doc.paths[p.old]?.[p.method.toLowerCase()]?.deprecated, p.old).toBe(true);
      expect(doc.paths[p.current]?.[p.method.toLowerCase()], p.current).toBeDefined();
    }
  });
});
