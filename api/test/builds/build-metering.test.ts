import { env } from "cloudflare:workers";
import type { Build } from "@burstflare/sdk/schemas/builds";
import type { UploadResult } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { targz } from "../helpers/tar";
import { createTemplate, createVersion, upload } from "../helpers/templates";
import { call, createTestUser } from "../helpers/users";

async function buildSeconds(workspaceId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT SUM(value) AS n FROM usage_daily WHERE workspace_id = ? AND metric = 'build_seconds'")
    .bind(workspaceId)
    .first<{ n: number | null }>();
  return row?.n ?? 0;
}

describe("build minutes", () => {
  it("an attempt that ends in an infrastructure error is metered before it is retried", async () => {
    const user = await createTestUser();
    const tpl = await createTemplate(user);
    // A file its owner cannot read fails the artifact export: an infrastructure error, retried by the queue.
    const v = await createVersion(user, tpl.id, "1", { persistedPaths: ["."], build: "sleep 2; echo x > x; chmod 000 x" });
    const res = await upload(user, v.uploadGrant.id, await targz([{ name: "a.txt", content: "a" }]));
    expect(res.status).toBe(201);
    const id = ((await res.json()) as UploadResult).build.id;
    // The second attempt starts only after the first one ended (metered, before, never).
    const deadline = Date.now() + 40_000;
    for (;;) {
      const b = (await (await call("GET", `/api/template-builds/${id}`, { user })).json()) as Build;
      if (b.attempts >= 2) break;
      if (Date.now() > deadline) throw new Error(`no second attempt: ${JSON.stringify(b)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const log = await (await call("GET", `/api/template-builds/${id}/log`, { user })).text();
    expect(log).toContain("attempt 1 failed: artifact export failed");
    expect(await buildSeconds(user.workspaceId)).toBeGreaterThanOrEqual(2);
  });
});
