import type { UploadResult } from "@burstflare/sdk/schemas/templates";
import { describe, expect, it } from "vitest";
import { buildArtifactKey } from "../../src/templates/keys";
import { operatorUser } from "../helpers/operator";
import { targz } from "../helpers/tar";
import { createTemplate, createVersion, finished, r2Keys, upload, waitForBuild } from "../helpers/templates";
import { call, createTestUser } from "../helpers/users";

describe("templateBytes: the bundles and artifacts of a workspace's templates", () => {
  it("an upload that would take them past the limit is refused with 403 quota_exceeded; deleting a template frees its bytes", async () => {
    const user = await createTestUser();
    const operator = await operatorUser();
    const tpl = await createTemplate(user);
    // Random content does not compress: each bundle is a little over 3000 bytes.
    const bundle = () => targz([{ name: "noise.bin", content: crypto.getRandomValues(new Uint8Array(3000)) }]);
    const first = await bundle();
    const limit = first.length + 1000;
    const set = await call("PUT", `/api/admin/workspaces/${user.workspaceId}/quota-overrides`, {
      user: operator,
      body: { overrides: { templateBytes: limit } },
    });
    expect(set.status).toBe(200);

    const v1 = await createVersion(user, tpl.id, "1", { persistedPaths: ["."] });
    expect((await upload(user, v1.uploadGrant.id, first)).status).toBe(201);
    // Versions count against no other limit: before, every upload added its bundle, without end.
    const v2 = await createVersion(user, tpl.id, "2", { persistedPaths: ["."] });
    const second = await bundle();
    const refused = await upload(user, v2.uploadGrant.id, second);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: { code: "quota_exceeded", details: { limit: "templateBytes", max: limit } },
    });

    // Deleting the template frees its bytes (and its build's artifact) for another one.
    const other = await createTemplate(user);
    expect((await call("DELETE", `/api/templates/${tpl.id}`, { user })).status).toBe(200);
    const v3 = await createVersion(user, other.id, "1", { persistedPaths: ["."] });
    expect((await upload(user, v3.uploadGrant.id, second)).status).toBe(201);
  });

  it("an artifact that would pass the limit is not stored: the build fails saying so, and the bytes stay free", async () => {
    const user = await createTestUser();
    const operator = await operatorUser();
    const tpl = await createTemplate(user);
    const bundle = await targz([{ name: "readme.txt", content: "small" }]);
    const limit = bundle.length + 4096;
    await call("PUT", `/api/admin/workspaces/${user.workspaceId}/quota-overrides`, {
      user: operator,
      body: { overrides: { templateBytes: limit } },
    });
    // The bundle fits; what the build step writes (random, so it does not compress) does not.
    const v1 = await createVersion(user, tpl.id, "1", { persistedPaths: ["."], build: "head -c 65536 /dev/urandom > big.bin" });
    const res = await upload(user, v1.uploadGrant.id, bundle);
    expect(res.status).toBe(201);
    const { build } = (await res.json()) as UploadResult;
    const done = await waitForBuild(user, build.id, finished);
    expect(done.status).toBe("failed");
    expect(done.error).toContain("not stored");
    expect(await r2Keys(buildArtifactKey(user.workspaceId, build.id))).toEqual([]);
  });
});
