import { env } from "cloudflare:workers";
import { auditPageSchema } from "@burstflare/sdk/schemas/workspaces";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/lib/crypto";
import { dbOf } from "../../src/lib/db";
import { runReconcile } from "../../src/reconcile/run";
import { insertAudit } from "../../src/workspaces/audit-repo";
import { call, createTestUser } from "../helpers/users";

/**
 * The audit log kept every row forever, and a member drives one per audited request, so the shared
 * D1 grew without end. Reconcile now deletes rows older than AUDIT_RETENTION_DAYS (365), in
 * batches bounded per run like every other expiry.
 */

const DAY = 24 * 60 * 60 * 1000;

describe("audit log retention", () => {
  it("deletes audit rows past their retention (365 days) and keeps the newer ones", async () => {
    const user = await createTestUser();
    const now = Date.now();
    const ages = { 400: now - 400 * DAY, 366: now - 366 * DAY, 364: now - 364 * DAY, 0: now };
    // Written as the audit writer writes them, at the moment of each age (waiting a year is not an option).
    for (const [age, at] of Object.entries(ages)) {
      await insertAudit(dbOf(env), { id: newId("aud"), action: `test.retention.${age}`, workspaceId: user.workspaceId, createdAt: at });
    }
    const kept = async () => {
      const res = await call("GET", "/api/audit?action=test.retention&limit=200", { user });
      expect(res.status).toBe(200);
      return auditPageSchema
        .parse(await res.json())
        .entries.map((e) => e.action)
        .sort();
    };
    expect(await kept()).toEqual(["test.retention.0", "test.retention.364", "test.retention.366", "test.retention.400"]);

    const run = await runReconcile(env);
    expect(run.actions.find((a) => a.kind === "audit_expire")).toMatchObject({ outcome: "done", targetId: "2 rows" });
    expect(await kept()).toEqual(["test.retention.0", "test.retention.364"]);
    // A second run finds nothing more to delete.
    expect((await runReconcile(env)).actions.find((a) => a.kind === "audit_expire")).toBeUndefined();
  });
});
