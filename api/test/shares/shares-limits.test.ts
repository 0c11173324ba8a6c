import { env } from "cloudflare:workers";
import { sessionResponse } from "@burstflare/sdk/schemas/sessions";
import { shareListResponse } from "@burstflare/sdk/schemas/shares";
import { describe, expect, it } from "vitest";
import { SHARE_BOUNDS } from "../../src/shares/shares-repo";
import { countRows } from "../helpers/db";
import { expectBurstCapped } from "../helpers/limits";
import { call, createTestUser, type TestUser } from "../helpers/users";

/**
 * A member could make share links without end (each up to 50 emails), and every expired or revoked
 * one was kept: the shared D1 grew by a loop of POSTs. Now a session has at most SHARE_BOUNDS.maxLive (100) live
 * links, counted in the INSERT itself, and keeps only the newest SHARE_BOUNDS.keepEnded (100) that ended.
 */

async function newSession(user: TestUser): Promise<string> {
  const res = await call("POST", "/api/sessions", { user, body: { name: "limits", start: false } });
  expect(res.status).toBe(201);
  return sessionResponse.parse(await res.json()).session.id;
}

/** Links written straight to D1 (the API is what is under test, not how the first ones were made). */
async function seedLinks(user: TestUser, sessionId: string, n: number, opts: { ended: boolean; createdAt: number }): Promise<void> {
  const statements = Array.from({ length: n }, (_, i) =>
    env.DB.prepare(
      `INSERT INTO preview_shares (id, session_id, workspace_id, created_by, scope, emails, token_hash, expires_at, revoked_at, created_at)
       VALUES (?, ?, ?, ?, 'anyone', '[]', ?, ?, ?, ?)`,
    ).bind(
      `shr_seed_${crypto.randomUUID()}`,
      sessionId,
      user.workspaceId,
      user.userId,
      crypto.randomUUID(),
      opts.ended ? opts.createdAt + 60_000 : Date.now() + 3600_000,
      opts.ended && i % 2 === 0 ? opts.createdAt + 1000 : null,
      opts.createdAt + i,
    ),
  );
  await env.DB.batch(statements);
}

const create = (user: TestUser, sessionId: string) =>
  call("POST", `/api/sessions/${sessionId}/shares`, { user, body: { scope: "anyone", expiresInSeconds: 3600 } });

const liveLinks = (sessionId: string) =>
  countRows("preview_shares", "session_id = ? AND revoked_at IS NULL AND expires_at > ?", sessionId, Date.now());

describe("share links are bounded per session", () => {
  it("a parallel burst past the live limit makes exactly the links that fit; the rest answer 403 quota_exceeded", async () => {
    const user = await createTestUser();
    const id = await newSession(user);
    await seedLinks(user, id, SHARE_BOUNDS.maxLive - 5, { ended: false, createdAt: Date.now() - 60_000 });

    await expectBurstCapped(() => create(user, id), 12, 5, "liveShareLinks", SHARE_BOUNDS.maxLive);
    expect(await liveLinks(id)).toBe(SHARE_BOUNDS.maxLive);

    // Revoking one frees its place.
    const list = shareListResponse.parse(await (await call("GET", `/api/sessions/${id}/shares`, { user })).json());
    const victim = list.shares[0]?.id ?? "";
    expect((await call("DELETE", `/api/sessions/${id}/shares/${victim}`, { user })).status).toBe(200);
    expect((await create(user, id)).status).toBe(201);
    expect((await create(user, id)).status).toBe(403);
  });

  it("making a link keeps only the newest ended links, so the list shows every row the session has", async () => {
    const user = await createTestUser();
    const id = await newSession(user);
    const old = Date.now() - 10 * 24 * 3600_000;
    await seedLinks(user, id, SHARE_BOUNDS.keepEnded + 50, { ended: true, createdAt: old });
    await seedLinks(user, id, 3, { ended: false, createdAt: old + 10_000 });

    expect((await create(user, id)).status).toBe(201);
    const ended = await countRows("preview_shares", "session_id = ? AND (revoked_at IS NOT NULL OR expires_at <= ?)", id, Date.now());
    expect(ended).toBe(SHARE_BOUNDS.keepEnded);
    // The newest ended ones stayed (seeded with rising created_at: the oldest 50 went), live ones all stayed.
    expect(await countRows("preview_shares", "session_id = ? AND created_at < ?", id, old + 50)).toBe(0);
    expect(await liveLinks(id)).toBe(4);
    const list = shareListResponse.parse(await (await call("GET", `/api/sessions/${id}/shares`, { user })).json());
    expect(list.shares).toHaveLength(SHARE_BOUNDS.keepEnded + 4);
  });
});
