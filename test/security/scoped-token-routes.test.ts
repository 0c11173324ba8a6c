import type { ScopedToken } from "@burstflare/sdk/schemas/automation";
import { describe, expect, it } from "vitest";
import { api, createSession, expectOK, rawApi } from "../stack/helpers/api";
import { createStackUser } from "../stack/helpers/users";

/**
 * A scoped token reaches only its routes, however the path is spelled. The scope is checked on
 * the raw path while the router decodes percent-escapes of unreserved characters, so a segment
 * the check took for a session id must never be routed as a word of another route.
 */

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

/**
 * The status of a GET; a stream that was (wrongly) opened is cancelled at once. rawApi: the paths
 * are spelled with percent-escapes on purpose, which a route key would encode again.
 */
async function statusOf(path: string, token: string): Promise<{ status: number; code: string | null }> {
  const res = await rawApi({ headers: { authorization: `Bearer ${token}` } }, "GET", path);
  if (res.headers.get("content-type")?.includes("text/event-stream")) {
    await res.body?.cancel();
    return { status: res.status, code: null };
  }
  return { status: res.status, code: res.status >= 400 ? await errorCode(res) : null };
}

describe("a workspace-wide scoped token stays on its routes", () => {
  it("cannot follow the workspace's session list (GET /api/sessions/events), however the path is spelled", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "scoped-events", start: false });
    const minted = (await expectOK(
      await api(owner, "POST /api/scoped-tokens", { body: { name: "agent", expiresInSeconds: 600, scopes: ["files"] } }),
      201,
    )) as ScopedToken;
    expect(minted.sessionId).toBeNull();

    for (const path of ["/api/sessions/events", "/api/sessions/%65vents", "/api/sessions/even%74s"]) {
      expect(await statusOf(path, minted.token), path).toEqual({ status: 403, code: "token_not_allowed" });
    }
    // A percent-escaped session id is refused too (the check compares ids as sent, never decoded).
    const escaped = `/api/sessions/${session.id.slice(0, -1)}%${session.id.charCodeAt(session.id.length - 1).toString(16)}`;
    expect(await statusOf(escaped, minted.token), escaped).toEqual({ status: 403, code: "token_not_allowed" });

    // What the token is for still works: a session's own state, by its id.
    expect((await statusOf(`/api/sessions/${session.id}`, minted.token)).status).toBe(200);
    // The owner's sign-in follows the list as before.
    expect((await statusOf("/api/sessions/events", owner.token)).status).toBe(200);
  });
});
