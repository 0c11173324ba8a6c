import { env } from "cloudflare:workers";
import { SESSION_PAGE_MAX, sessionListResponse } from "@burstflare/sdk/schemas/sessions";
import { describe, expect, it } from "vitest";
import { insertTestSession } from "../helpers/snapshots";
import { call, createTestUser, type TestUser } from "../helpers/users";

/** Session rows without runtimes (pagination is about rows), created at the given times. */
async function seed(user: TestUser, createdAt: number[], opts: { deleted?: boolean } = {}): Promise<string[]> {
  const ids: string[] = [];
  for (const at of createdAt) {
    ids.push(await insertTestSession(user.workspaceId, user.userId, opts.deleted ? "deleted" : "stopped", { createdAt: at }));
  }
  return ids;
}

async function page(user: TestUser, query: string) {
  const res = await call("GET", `/api/sessions${query}`, { user });
  expect(res.status).toBe(200);
  return sessionListResponse.parse(await res.json());
}

async function errorCode(user: TestUser, query: string): Promise<[number, string]> {
  const res = await call("GET", `/api/sessions${query}`, { user });
  return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
}

describe("GET /api/sessions pages", () => {
  it("walks every live session once, newest first, ties broken by id, with nextCursor null on the last page", async () => {
    const user = await createTestUser();
    // Two pairs share a created_at: a cursor between them must not skip or repeat one.
    const ids = await seed(user, [1000, 2000, 2000, 3000, 4000, 4000, 5000]);
    await seed(user, [4500], { deleted: true });
    const expected = (
      await env.DB.prepare("SELECT id FROM sessions WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY created_at DESC, id DESC")
        .bind(user.workspaceId)
        .all<{ id: string }>()
    ).results.map((r) => r.id);
    expect(expected).toHaveLength(ids.length);

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const p = await page(user, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      sizes.push(p.sessions.length);
      seen.push(...p.sessions.map((s) => s.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(expected);

    const whole = await page(user, "");
    expect(whole.sessions.map((s) => s.id)).toEqual(expected);
    expect(whole.nextCursor).toBeNull();
  });

  it("pages by the default size when no limit is given", async () => {
    const user = await createTestUser();
    await seed(
      user,
      Array.from({ length: 53 }, (_, i) => 10_000 + i),
    );
    const first = await page(user, "");
    expect(first.sessions).toHaveLength(50);
    expect(first.nextCursor).not.toBeNull();
    const rest = await page(user, `?cursor=${first.nextCursor}`);
    expect(rest.sessions).toHaveLength(3);
    expect(rest.nextCursor).toBeNull();
  });

  it("refuses bad limits and cursors with 400", async () => {
    const user = await createTestUser();
    await seed(user, [1, 2]);
    for (const q of [
      "?limit=0",
      `?limit=${SESSION_PAGE_MAX + 1}`,
      "?limit=abc",
      "?limit=1.5",
      "?cursor=has%20space",
      `?cursor=${"a".repeat(201)}`,
    ]) {
      expect(await errorCode(user, q)).toEqual([400, "validation_failed"]);
    }
    // Well-formed base64url that is no cursor of ours.
    for (const q of ["?cursor=bm9wZQ", "?cursor=MTIzLg", "?cursor=LjEyMw"]) {
      expect(await errorCode(user, q)).toEqual([400, "bad_request"]);
    }
  });

  it("a cursor is only a position: used in another workspace it lists that workspace's sessions only", async () => {
    const owner = await createTestUser();
    const stranger = await createTestUser();
    await seed(owner, [10, 20, 30]);
    const strangers = await seed(stranger, [5, 15, 25]);
    const first = await page(owner, "?limit=1");
    const foreign = await page(stranger, `?cursor=${first.nextCursor}`);
    expect(foreign.sessions.map((s) => s.id).sort()).toEqual([...strangers].sort());
    expect(foreign.sessions.every((s) => s.workspaceId === stranger.workspaceId)).toBe(true);
  });
});
