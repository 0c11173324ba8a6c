import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decodePrincipal, encodePrincipal, PRINCIPAL_HEADER, principalMatches } from "../../sdk/protocol/agent";
import { sessionResponse } from "../../sdk/schemas/sessions";
import { closeSessionConnections, listConnections, recordConnection, setPrincipal } from "../src/sessions/connections";
import type { SessionCore } from "../src/sessions/core";
import { sanitizeForAgent } from "../src/sessions/runtime-access";
import { sessionStub } from "../src/sessions/stub";
import { call, createTestUser } from "./helpers/users";

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
