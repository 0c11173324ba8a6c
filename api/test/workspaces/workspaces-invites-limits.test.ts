import { env } from "cloudflare:workers";
import { inviteListSchema } from "@burstflare/sdk/schemas/workspaces";
import { describe, expect, it } from "vitest";
import { INVITE_BOUNDS } from "../../src/workspaces/invites-repo";
import { countRows } from "../helpers/db";
import { expectBurstCapped } from "../helpers/limits";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * The owner of any workspace (every free account owns one) could make invite codes without end, and
 * used, revoked and expired ones were kept; the list showed the newest 200, so older pending codes
 * could no longer be seen or revoked. Now a workspace holds at most INVITE_BOUNDS.maxLive (100)
 * pending invites, counted in the INSERT itself, and keeps the newest INVITE_BOUNDS.keepEnded (100) ended.
 */

type Seed = "pending" | "ended";

/** Invites written straight to D1; ended ones alternate used, revoked and expired. */
async function seedInvites(user: TestUser, n: number, kind: Seed, createdAt: number): Promise<void> {
  const statements = Array.from({ length: n }, (_, i) => {
    const ended = kind === "ended" ? i % 3 : -1;
    return env.DB.prepare(
      `INSERT INTO invites (id, workspace_id, code_hash, role, created_by, created_at, expires_at, used_at, revoked_at)
       VALUES (?, ?, ?, 'member', ?, ?, ?, ?, ?)`,
    ).bind(
      `inv_seed_${crypto.randomUUID()}`,
      user.workspaceId,
      crypto.randomUUID(),
      user.userId,
      createdAt + i,
      ended === 2 ? createdAt + 60_000 : Date.now() + 3600_000,
      ended === 0 ? createdAt + 1000 : null,
      ended === 1 ? createdAt + 1000 : null,
    );
  });
  await env.DB.batch(statements);
}

const invite = (user: TestUser) => call("POST", "/api/workspaces/current/invites", { user, body: { role: "member" } });

const ENDED = "used_at IS NOT NULL OR revoked_at IS NOT NULL OR expires_at <= ?";

describe("invites are bounded per workspace", () => {
  it("a parallel burst past the pending limit makes exactly the invites that fit; the rest answer 403 quota_exceeded", async () => {
    const owner = await createTestUser();
    await seedInvites(owner, INVITE_BOUNDS.maxLive - 5, "pending", Date.now() - 60_000);

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
    const old = Date.now() - 10 * 24 * 3600_000;
    await seedInvites(owner, INVITE_BOUNDS.keepEnded + 50, "ended", old);
    await seedInvites(owner, 3, "pending", old + 10_000);

    expect((await invite(owner)).status).toBe(201);
    expect(await countRows("invites", `workspace_id = ? AND (${ENDED})`, owner.workspaceId, Date.now())).toBe(INVITE_BOUNDS.keepEnded);
    // The oldest 50 ended ones went (seeded with rising created_at); every pending one stayed.
    expect(await countRows("invites", "workspace_id = ? AND created_at < ?", owner.workspaceId, old + 50)).toBe(0);
    const list = inviteListSchema.parse(await (await call("GET", "/api/workspaces/current/invites", { user: owner })).json());
    expect(list.invites).toHaveLength(INVITE_BOUNDS.keepEnded + 4);
    expect(list.invites.filter((i) => i.status === "pending")).toHaveLength(4);
  });
});
