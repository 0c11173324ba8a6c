import { sessionResponse } from "@burstflare/sdk/schemas/sessions";
import { createShareResponse, shareListResponse } from "@burstflare/sdk/schemas/shares";
import { describe, expect, it } from "vitest";
import { SHARE_BOUNDS } from "../../src/shares/shares-repo";
import { countRows } from "../helpers/db";
import { expectBurstCapped, makeMany } from "../helpers/limits";
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

const create = (user: TestUser, sessionId: string) =>
  call("POST", `/api/sessions/${sessionId}/shares`, { user, body: { scope: "anyone", expiresInSeconds: 3600 } });

/** Makes `n` links through the API, revoking each at once when `ended`; their ids, oldest first. */
const makeLinks = (user: TestUser, sessionId: string, n: number, ended: boolean) =>
  makeMany(n, async () => {
    const res = await create(user, sessionId);
    expect(res.status).toBe(201);
    const { share } = createShareResponse.parse(await res.json());
    if (ended) expect((await call("DELETE", `/api/sessions/${sessionId}/shares/${share.id}`, { user })).status).toBe(200);
    return share.id;
  });

const liveLinks = (sessionId: string) =>
  countRows("preview_shares", "session_id = ? AND revoked_at IS NULL AND expires_at > ?", sessionId, Date.now());

describe("share links are bounded per session", () => {
  it("a parallel burst past the live limit makes exactly the links that fit; the rest answer 403 quota_exceeded", async () => {
    const user = await createTestUser();
    const id = await newSession(user);
    await makeLinks(user, id, SHARE_BOUNDS.maxLive - 5, false);

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
    const ended = await makeLinks(user, id, SHARE_BOUNDS.keepEnded + 50, true);
    await makeLinks(user, id, 3, false);

    expect((await create(user, id)).status).toBe(201);
    const endedNow = await countRows("preview_shares", "session_id = ? AND (revoked_at IS NOT NULL OR expires_at <= ?)", id, Date.now());
    expect(endedNow).toBe(SHARE_BOUNDS.keepEnded);
    expect(await liveLinks(id)).toBe(4);
    const list = shareListResponse.parse(await (await call("GET", `/api/sessions/${id}/shares`, { user })).json());
    // The newest ended links stayed and the oldest 50 went; live ones all stayed.
    const listed = new Set(list.shares.map((s) => s.id));
    expect(ended.slice(0, 50).filter((shareId) => listed.has(shareId))).toEqual([]);
    expect(ended.slice(50).every((shareId) => listed.has(shareId))).toBe(true);
    expect(list.shares).toHaveLength(SHARE_BOUNDS.keepEnded + 4);
  });
});
