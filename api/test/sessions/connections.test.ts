import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodePrincipal, encodePrincipal, PRINCIPAL_HEADER, principalMatches } from "@burstflare/sdk/protocol/agent";
import { createApiTokenResponseSchema } from "@burstflare/sdk/schemas/auth";
import { sessionResponse, sshTokenSchema } from "@burstflare/sdk/schemas/sessions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSessionConnections, listConnections, recordConnection, setPrincipal } from "../../src/sessions/connections";
import type { SessionCore } from "../../src/sessions/core";
import { sanitizeForAgent } from "../../src/sessions/runtime-access";
import { sessionStub } from "../../src/sessions/stub";
import { runningSession } from "../helpers/sessions";
import { call, createTestUser, type TestUser } from "../helpers/users";

const upgrade = (principal: string) =>
  new Request("https://session.internal/runtime", { headers: { upgrade: "websocket", [PRINCIPAL_HEADER]: principal } });

describe("connection principals", () => {
  it("never lets a client name the principal: its copy is stripped and the Worker's replaces it", () => {
    const forged = encodePrincipal({ connectionId: "conn_forged", userId: "usr_owner", credential: { kind: "sign_in", id: "as_owner" } });
    const req = new Request("https://app.test/runtime/sessions/s/terminal", { headers: { [PRINCIPAL_HEADER]: forged } });
    expect(sanitizeForAgent(req, req.url).headers.get(PRINCIPAL_HEADER)).toBeNull();
    const forwarded = sanitizeForAgent(req, req.url);
    setPrincipal(forwarded, { userId: "usr_member", credential: { kind: "api_token", id: "tok_1" } });
    const p = decodePrincipal(forwarded.headers.get(PRINCIPAL_HEADER));
    expect(p).toMatchObject({ userId: "usr_member", credential: { kind: "api_token", id: "tok_1" } });
    expect(p?.connectionId).not.toBe("conn_forged");
    expect(decodePrincipal("%7Bnot json")).toBeNull();
  });

  it("matches on every field given", () => {
    const p = { userId: "u1", credential: { kind: "sign_in" as const, id: "as_1" } };
    expect(principalMatches(p, { userId: "u1" })).toBe(true);
    expect(principalMatches(p, { userId: "u1", kinds: ["api_token"] })).toBe(false);
    expect(principalMatches(p, { credential: { kind: "sign_in", id: "as_1" } })).toBe(true);
    expect(principalMatches(p, { credential: { kind: "api_token", id: "as_1" } })).toBe(false);
    expect(principalMatches({ userId: null, credential: { kind: "share", id: "sh_1" } }, { userId: "u1" })).toBe(false);
    // A scoped link's viewer: held by the link and by the sign-in their grant names, never by another.
    const viewer = {
      userId: "u2",
      credential: { kind: "share" as const, id: "shr_1" },
      grantedBy: { kind: "sign_in" as const, id: "as_2" },
    };
    expect(principalMatches(viewer, { credential: { kind: "share", id: "shr_1" } })).toBe(true);
    expect(principalMatches(viewer, { userId: "u2", credential: { kind: "sign_in", id: "as_2" } })).toBe(true);
    expect(principalMatches(viewer, { userId: "u2", kinds: ["sign_in", "preview_grant"] })).toBe(true);
    expect(principalMatches(viewer, { credential: { kind: "sign_in", id: "as_other" } })).toBe(false);
    expect(principalMatches(viewer, { userId: "u2", kinds: ["api_token"] })).toBe(false);
  });

  it("the session DO keeps who opened each WebSocket, and forgets them when the runtime is gone", async () => {
    const user = await createTestUser();
    const created = await call("POST", "/api/sessions", { user, body: { name: "conns", start: false } });
    expect(created.status).toBe(201);
    const session = sessionResponse.parse(await created.json()).session;
    await runInDurableObject(sessionStub(env, session.id), async (instance, state) => {
      const core = (instance as unknown as { core: SessionCore }).core;
      await core.load(session.id);
      const principal = { connectionId: "conn_1", userId: user.userId, credential: { kind: "sign_in" as const, id: "as_x" } };
      await recordConnection(state.storage, upgrade(encodePrincipal(principal)), "/terminal?terminal=main");
      // Plain HTTP and requests without a principal are not connections to remember.
      await recordConnection(state.storage, new Request("https://session.internal/runtime"), "/files/tree");
      await recordConnection(state.storage, upgrade("garbage"), "/terminal");
      const records = await listConnections(state.storage);
      expect(records).toEqual([expect.objectContaining({ connectionId: "conn_1", kind: "terminal", principal })]);

      expect(await closeSessionConnections(core, { userId: "usr_someone_else" })).toBe(0);
      expect(await listConnections(state.storage)).toHaveLength(1);
      // Not running: no agent, no sockets; the registry is cleared instead of calling anyone.
      expect(await closeSessionConnections(core, { userId: user.userId })).toBe(0);
      expect(await listConnections(state.storage)).toEqual([]);
    });
  });
});

/** Opens a WebSocket to the session's runtime and leaves it open; the DO records who opened it. */
async function openSocket(path: string, authorization: string): Promise<WebSocket> {
  const res = await call("GET", path, { headers: { authorization, upgrade: "websocket" } });
  expect(res.status, path).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error(`no WebSocket for ${path}`);
  ws.accept();
  return ws;
}

describe("connections to a running session", () => {
  let owner: TestUser;
  let sessionId: string | undefined;
  beforeAll(async () => {
    owner = await createTestUser();
    sessionId = await runningSession(owner, "live");
  }, 120_000);
  afterAll(async () => {
    if (sessionId) await call("POST", `/api/sessions/${sessionId}/stop`, { user: owner });
  });

  it("last no longer than the API token that opened them: its expiry is named on the terminal and SSH, none on a sign-in's", async () => {
    const id = sessionId ?? "";
    const minted = await call("POST", "/api/auth/tokens", { user: owner, body: { name: "expiring", expiresInDays: 1 } });
    const { token, apiToken } = createApiTokenResponseSchema.parse(await minted.json());
    const tokenExpiry = Date.parse(apiToken.expiresAt ?? "");
    expect(tokenExpiry).toBeGreaterThan(Date.now());

    const sockets = [
      await openSocket(`/runtime/sessions/${id}/terminal?terminal=by-token`, `Bearer ${token}`),
      await openSocket(`/runtime/sessions/${id}/terminal?terminal=by-sign-in`, owner.headers.authorization ?? ""),
    ];
    // SSH through a token the API token minted: the connection is held by the API token.
    const issued = await call("POST", `/api/sessions/${id}/ssh-token`, { headers: { authorization: `Bearer ${token}` }, body: {} });
    expect(issued.status).toBe(200);
    const ssh = sshTokenSchema.parse(await issued.json());
    sockets.push(await openSocket(`/runtime/sessions/${id}/ssh`, `Bearer ${ssh.token}`));

    await runInDurableObject(sessionStub(env, id), async (_instance, state) => {
      const records = await listConnections(state.storage);
      const expiryOf = (kind: string, credential: string) =>
        records.filter((r) => r.kind === kind && r.principal.credential.kind === credential).map((r) => r.principal.expiresAt);
      expect(expiryOf("terminal", "api_token")).toEqual([tokenExpiry]);
      expect(expiryOf("ssh", "api_token")).toEqual([tokenExpiry]);
      // A sign-in's expiry moves on every refresh, so nothing is named for it.
      expect(expiryOf("terminal", "sign_in")).toEqual([undefined]);
    });
    for (const ws of sockets) ws.close();
  });

  it("still closes a live terminal whose record was evicted by a flood of other connections", async () => {
    const id = sessionId ?? "";
    const member = await createTestUser({ workspaceId: owner.workspaceId, role: "member" });
    // The member's terminal, opened with an API token.
    const minted = await call("POST", "/api/auth/tokens", { user: member, body: { name: "terminal" } });
    const { token, apiToken } = createApiTokenResponseSchema.parse(await minted.json());
    const ws = await openSocket(`/runtime/sessions/${id}/terminal?terminal=member`, `Bearer ${token}`);
    let closedWith: number | null = null;
    ws.addEventListener("close", (event) => {
      closedWith = event.code;
    });

    // What ~513 cheap preview upgrades do to the DO's registry: the terminal's record is pushed out.
    await runInDurableObject(sessionStub(env, id), async (_instance, doState) => {
      const flood = Array.from({ length: 520 }, (_, i) =>
        encodePrincipal({ connectionId: `conn_flood_${i}`, userId: member.userId, credential: { kind: "sign_in", id: "as_other" } }),
      );
      for (const principal of flood) await recordConnection(doState.storage, upgrade(principal), "/preview/hmr");
      const kept = await listConnections(doState.storage);
      expect(kept.some((r) => r.principal.credential.id === apiToken.id)).toBe(false);
    });

    expect((await call("DELETE", `/api/auth/tokens/${apiToken.id}`, { user: member })).status).toBe(200);
    for (let i = 0; i < 100 && closedWith === null; i++) await scheduler.wait(50);
    expect(closedWith).toBe(1008);
  });
});
