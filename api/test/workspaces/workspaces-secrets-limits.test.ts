import { describe, expect, it } from "vitest";
import { SECRET_BOUNDS } from "../../src/workspaces/secrets-repo";
import { countRows } from "../helpers/db";
import { expectBurstRefused, makeMany } from "../helpers/limits";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * The secrets of a workspace were counted in a query before the write, so a parallel burst of new
 * names all passed the limit. Now the count is in the INSERT itself (insertBounded), which still
 * replaces a secret that exists whatever the count.
 */

const putSecret = (user: TestUser, name: string, value = "v") =>
  call("PUT", "/api/workspaces/current/secrets", { user, body: { name, value } });

describe("secrets are bounded per workspace", () => {
  it("a parallel burst of new names past the limit sets exactly the ones that fit; replacing one still works at the limit", async () => {
    const owner = await createTestUser();
    const max = SECRET_BOUNDS.maxLive;
    await makeMany(max - 5, async (i) => expect((await putSecret(owner, `S${i}`)).status).toBe(200));

    let next = 0;
    await expectBurstRefused(() => putSecret(owner, `NEW${next++}`), 12, 5, 200, {
      status: 409,
      error: { code: "conflict", message: `a workspace holds at most ${max} secrets` },
    });
    expect(await countRows("workspace_secrets", "workspace_id = ?", owner.workspaceId)).toBe(max);

    // At the limit an existing name is still replaced, and deleting one frees a place.
    expect((await putSecret(owner, "S0", "replaced")).status).toBe(200);
    expect((await putSecret(owner, "ONE_MORE")).status).toBe(409);
    expect((await call("DELETE", "/api/workspaces/current/secrets/S1", { user: owner })).status).toBe(200);
    expect((await putSecret(owner, "ONE_MORE")).status).toBe(200);
    expect(await countRows("workspace_secrets", "workspace_id = ?", owner.workspaceId)).toBe(max);
  });
});
