import { env } from "cloudflare:workers";
import type { Build } from "@burstflare/sdk/schemas/builds";
import { PLAN_LIMITS } from "@burstflare/sdk/schemas/workspaces";
import { describe, expect, it } from "vitest";
import { markBuildFailed } from "../../src/builds/builds-repo";
import { dbOf } from "../../src/lib/db";
import { targz } from "../helpers/tar";
import { createTemplate, createVersion, insertTestBuild, upload } from "../helpers/templates";
import { call, createTestUser, type TestUser } from "../helpers/users";

const ACTIVE = new Set(["queued", "building", "retrying"]);

async function activeBuilds(user: TestUser): Promise<Build[]> {
  const { builds } = (await (await call("GET", "/api/template-builds", { user })).json()) as { builds: Build[] };
  return builds.filter((b) => ACTIVE.has(b.status));
}

describe("activeBuilds: builds queued or running at once", () => {
  it("parallel uploads past the plan's limit are refused with 403 quota_exceeded, and so is a retry; the versions stay uploadable", async () => {
    const user = await createTestUser();
    const max = PLAN_LIMITS.free.activeBuilds;
    const tpl = await createTemplate(user);
    const bundle = await targz([{ name: "a.txt", content: "a" }]);
    // Build minutes are metered when a build ends: before, every upload made under the budget was
    // accepted, and each of its builds ran up to 30 minutes (all of them queued behind each other).
    const versions = await Promise.all(
      Array.from({ length: max + 3 }, (_, i) => createVersion(user, tpl.id, `v${i}`, { persistedPaths: ["."], build: "sleep 4" })),
    );
    const answers = await Promise.all(versions.map((v) => upload(user, v.uploadGrant.id, bundle)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(max);
    expect(statuses.filter((s) => s === 403)).toHaveLength(3);
    const refused = answers.find((r) => r.status === 403);
    expect(await refused?.json()).toMatchObject({ error: { code: "quota_exceeded", details: { limit: "activeBuilds", max } } });
    expect(await activeBuilds(user)).toHaveLength(max);

    // A retry takes a place too.
    const failed = await insertTestBuild(user.workspaceId, tpl.id, versions[0]?.version.id ?? "", { status: "failed", error: "x" });
    const retry = await call("POST", `/api/template-builds/${failed}/retry`, { user });
    expect(retry.status).toBe(403);
    expect(await retry.json()).toMatchObject({ error: { code: "quota_exceeded", details: { limit: "activeBuilds" } } });
    // A build that cannot be retried says so, at the cap or not: its state is the reason.
    const building = await insertTestBuild(user.workspaceId, tpl.id, versions[0]?.version.id ?? "", { status: "building" });
    const notRetryable = await call("POST", `/api/template-builds/${building}/retry`, { user });
    expect(notRetryable.status).toBe(409);
    expect(await notRetryable.json()).toMatchObject({ error: { code: "invalid_state" } });
    await markBuildFailed(dbOf(env), building, "ended by the test", Date.now());

    // Once the accepted builds end, a refused version's grant uploads its bundle.
    const deadline = Date.now() + 50_000;
    while ((await activeBuilds(user)).length > 0) {
      if (Date.now() > deadline) throw new Error("the accepted builds did not finish");
      await new Promise((r) => setTimeout(r, 250));
    }
    const refusedVersion = versions[statuses.indexOf(403)];
    expect((await upload(user, refusedVersion?.uploadGrant.id ?? "", bundle)).status).toBe(201);
  });
});
