import { createdInviteSchema, inviteListSchema } from "@burstflare/sdk/schemas/workspaces";
import { describe, expect, it } from "vitest";
import { INVITE_BOUNDS } from "../../src/workspaces/invites-repo";
import { countRows } from "../helpers/db";
import { expectBurstCapped, makeMany } from "../helpers/limits";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * The owner of any workspace (every free account owns one) could make invite codes without end, and
 * used, revoked and expired ones were kept; the list showed the newest 200, so older pending codes
 * could no longer be seen or revoked. Now a workspace holds at most INVITE_BOUNDS.maxLive (100)
 * pending invites, counted in the INSERT itself, and keeps the newest INVITE_BOUNDS.keepEnded (100) ended.
 */

const invite = (user: TestUser) => call("POST", "/api/workspaces/current/invites", { user, body: { role: "member" } });

/** Makes `n` invites through the API, revoking each at once when `ended`; their ids, oldest first. */
const makeInvites = (owner: TestUser, n: number, ended: boolean) =>
  makeMany(n, async () => {
    const res = await invite(owner);
    expect(res.status).toBe(201);
    const { invite: made } = createdInviteSchema.parse(await res.json());
    if (ended) expect((await call("DELETE", `/api/workspaces/current/invites/${made.id}`, { user: owner })).status).toBe(200);
    return made.id;
  });

const ENDED = "used_at IS NOT NULL OR revoked_at IS NOT NULL OR expires_at <= ?";

describe("invites are bounded per workspace", () => {
  it("a parallel burst past the pending limit makes exactly the invites that fit; the rest answer 403 quota_exceeded", async () => {
    const owner = await createTestUser();
    await makeInvites(owner, INVITE_BOUNDS.maxLive - 5, false);

    await expectBurstCapped(() => invite(owner), 12, 5, "pendingInvites", INVITE_BOUNDS.maxLive);
    const pending = () => countRows("invites", `workspace_id = ? AND NOT (${ENDED})`, owner.workspaceId, Date.now());
    expect(await pending()).toBe(INVITE_BOUNDS.maxLive);

    // Revoking one frees its place.
    const list = inviteListSchema.parse(await (await call("GET", "/api/workspaces/current/invites", { user: owner })).json());
    expect((await call("DELETE", `/api/workspaces/current/invites/${list.invites[0]?.id}`, { user: owner })).status).toBe(200);
    expect((await invite(owner)).status).toBe(201);
    expect((await invite(owner)).status).toBe(403);
  });

  it("making an invite keeps only the newest ended ones, so the list shows every invite the workspace has", async () => {
    const owner = await createTestUser();
    const ended = await makeInvites(owner, INVITE_BOUNDS.keepEnded + 50, true);
    await makeInvites(owner, 3, false);

    expect((await invite(owner)).status).toBe(201);
    expect(await countRows("invites", `workspace_id = ? AND (${ENDED})`, owner.workspaceId, Date.now())).toBe(INVITE_BOUNDS.keepEnded);
    const list = inviteListSchema.parse(await (await call("GET", "/api/workspaces/current/invites", { user: owner })).json());
    // The newest ended invites stayed and the oldest 50 went; every pending one stayed.
    const listed = new Set(list.invites.map((i) => i.id));
    expect(ended.slice(0, 50).filter((inviteId) => listed.has(inviteId))).toEqual([]);
    expect(ended.slice(50).every((inviteId) => listed.has(inviteId))).toBe(true);
    expect(list.invites).toHaveLength(INVITE_BOUNDS.keepEnded + 4);
    expect(list.invites.filter((i) => i.status === "pending")).toHaveLength(4);
  });
});
