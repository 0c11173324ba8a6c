import { describe, expect, it } from "vitest";
import { api, createSession, expectOK, until } from "../stack/helpers/api";
import { probe } from "../stack/helpers/driver-probe";
import { hijackAgent } from "../stack/helpers/hijack";
import { createStackUser } from "../stack/helpers/users";

/**
 * A hijacked agent (stack/helpers/hijack.ts, `stall`)
 * accepts the stop's snapshot request and never answers it. The stop waits, and every later
 * lifecycle call queued behind it: the workspace could not delete the session, whose runtime ran on.
 * On either driver: the runtime is the local host's agent or the session's container.
 */
describe("an agent that never finishes a snapshot", () => {
  it("cannot keep its session from being deleted: the delete ends the runtime and the work waiting on it", async () => {
    const owner = await createStackUser();
    const admin = await createStackUser({ workspaceId: owner.workspaceId, role: "admin" });
    const session = await createSession(owner, { name: "agent-stall" });
    const params = { sessionId: session.id };
    await hijackAgent(owner, session.id, ["stall"]);
    // The stop asks for a snapshot the agent never sends; it is left waiting.
    const stopping = api(owner, "POST /api/sessions/{sessionId}/stop", { params }).catch(() => null);
    await until(async () => {
      const body = (await expectOK(await api(owner, "GET /api/sessions/{sessionId}", { params }))) as { session: { state: string } };
      return body.session.state === "stopping";
    }, "the stop to wait on the snapshot");
    const deleted = await Promise.race([
      api(admin, "DELETE /api/sessions/{sessionId}", { params }).then((res) => res.status),
      new Promise<string>((resolve) => setTimeout(() => resolve("still waiting after 30 s"), 30_000)),
    ]);
    expect(deleted).toBe(200);
    expect(await probe().runtimes(session.id)).toEqual([]);
    await stopping;
  }, 90_000);
});
