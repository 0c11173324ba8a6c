import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createSession, expectOK, until } from "../stack/helpers/api";
import { hijackAgent } from "../stack/helpers/hijack";
import { createStackUser } from "../stack/helpers/users";

/**
 * A hijacked agent (stack/helpers/hijack.ts: fixtures/hijack-agent.pl takes the agent's listening
 * socket with pidfd_getfd, stops the agent with ptrace and answers the control plane in its place;
 * the session's own code could, before the agent changed its uid itself; on the containers driver
 * its root shells can still trace the agent, and the helper takes it over in the session's container). Its
 * answers must never make the Worker fetch anything but the agent: a redirect once sent the Worker
 * to any address it can reach — the machine's loopback, other runtimes' dev servers — and handed
 * the answer back to the session's user as JSON.
 */

describe("an agent's redirect", () => {
  let listener: http.Server;
  let target: string;
  let reached = 0;

  beforeAll(async () => {
    // A service only the machine's loopback reaches: the runtime's own network refuses it.
    listener = http.createServer((_req, res) => {
      reached++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ processes: [], secret: "host-loopback-secret" }));
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    target = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/private`;
  });

  afterAll(async () => {
    await new Promise((resolve) => listener?.close(resolve));
  });

  it("is never followed: the caller gets runtime_unavailable, the session's health check fails, the address is never reached", async () => {
    const owner = await createStackUser();
    const session = await createSession(owner, { name: "agent-redirects" });
    const params = { sessionId: session.id };
    const listed = await hijackAgent(owner, session.id, ["redirect", target]);
    expect(listed).toEqual({ status: 503, body: { error: expect.objectContaining({ code: "runtime_unavailable" }) } });
    // Reading the session asks the agent's /health: an agent that answers with a redirect is lost.
    const seen = await until(async () => {
      const state = ((await expectOK(await api(owner, "GET /api/sessions/{sessionId}", { params }))) as { session: { state: string } })
        .session.state;
      return state === "running" && reached === 0 ? null : state;
    }, "the health check to settle");
    expect(reached).toBe(0);
    expect(seen).toBe("failed");
  }, 90_000);
});
