import type { ProcessInfo } from "@burstflare/sdk/protocol/automation";
import type { ScopedToken } from "@burstflare/sdk/schemas/automation";
import { describe, expect, it } from "vitest";
import { type ApiRequest, api, baseURL, createSession, expectOK, req, runtimeReq, send } from "../stack/helpers/api";
import { createStackUser, type StackUser } from "../stack/helpers/users";

/**
 * The automation surface (exec, background processes, scoped tokens) tried the way an attacker
 * with an ordinary account would: a holder of a narrow token, another member of the workspace.
 */

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

async function mint(user: StackUser, body: Record<string, unknown>): Promise<ScopedToken> {
  return (await expectOK(
    await api(user, "POST /api/scoped-tokens", { body: { name: "agent", expiresInSeconds: 600, ...body } }),
    201,
  )) as ScopedToken;
}

/** The same call with the token in the sign-in cookie (and a self-made double-submit CSRF pair) instead of a bearer header. */
function asCookie(request: ApiRequest, token: string): Promise<Response> {
  const headers: Record<string, string> = { cookie: `bf_session=${token}; bf_csrf=x`, "x-csrf-token": "x", origin: baseURL() };
  return send(null, { ...request, headers: { ...request.headers, ...headers } });
}

describe("a scoped token stays in its scope", () => {
  it("sent as the sign-in cookie instead of a bearer header, it reaches nothing outside its scope", async () => {
    const owner = await createStackUser();
    const target = await createSession(owner, { name: "scoped-cookie", start: false });
    const other = await createSession(owner, { name: "scoped-cookie-other", start: false });
    const token = (await mint(owner, { sessionId: target.id, scopes: ["files"] })).token;
    for (const request of [
      req("GET /api/sessions"),
      req("GET /api/sessions/{sessionId}", { params: { sessionId: other.id } }),
      req("GET /api/workspaces/current/secrets"),
      req("POST /api/sessions/{sessionId}/exec", { params: { sessionId: other.id }, body: { argv: ["true"] } }),
      req("DELETE /api/sessions/{sessionId}", { params: { sessionId: other.id } }),
      runtimeReq("GET", other.id, "files/tree", { query: { path: "." } }),
    ]) {
      const res = await asCookie(request, token);
      expect(res.status, request.label).toBe(403);
      expect(await errorCode(res)).toBe("token_not_allowed");
    }
    // Its own scope still answers the same way it does over a bearer header.
    expect((await asCookie(req("GET /api/sessions/{sessionId}", { params: { sessionId: target.id } }), token)).status).toBe(200);
    expect((await api(owner, "GET /api/sessions/{sessionId}", { params: { sessionId: other.id } })).status).toBe(200);
  });
});

describe("background processes belong to who started them", () => {
  it("another member of the workspace cannot list, read, signal or wait on the owner's process", async () => {
    const owner = await createStackUser();
    const member = await createStackUser({ workspaceId: owner.workspaceId, role: "member" });
    const session = await createSession(owner, { name: "procs-owner" });
    const secret = `s3cret-${Date.now()}`;
    const started = (await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/processes", {
        params: { sessionId: session.id },
        body: { argv: ["sh", "-c", `echo ${secret}; sleep 60`] },
      }),
      201,
    )) as ProcessInfo;
    const mine = (await expectOK(
      await api(member, "POST /api/sessions/{sessionId}/processes", { params: { sessionId: session.id }, body: { argv: ["sleep", "60"] } }),
      201,
    )) as ProcessInfo;

    const listed = (await expectOK(
      await api(member, "GET /api/sessions/{sessionId}/processes", { params: { sessionId: session.id } }),
    )) as { processes: ProcessInfo[] };
    expect(listed.processes.map((p) => p.id)).toEqual([mine.id]);
    for (const request of [
      req("GET /api/sessions/{sessionId}/processes/{processId}", { params: { sessionId: session.id, processId: started.id } }),
      req("GET /api/sessions/{sessionId}/processes/{processId}/output", {
        params: { sessionId: session.id, processId: started.id },
        query: { offset: 0 },
      }),
      req("POST /api/sessions/{sessionId}/processes/{processId}/signal", {
        params: { sessionId: session.id, processId: started.id },
        body: { signal: "SIGKILL" },
      }),
      req("POST /api/sessions/{sessionId}/processes/{processId}/wait", {
        params: { sessionId: session.id, processId: started.id },
        query: { timeoutMs: 0 },
      }),
    ]) {
      const res = await send(member, request);
      expect(res.status, request.label).toBe(404);
      expect(JSON.stringify(await res.json())).not.toContain(secret);
    }
    // The owner still sees and reads their own process, which is still running; not the member's.
    const own = (await expectOK(await api(owner, "GET /api/sessions/{sessionId}/processes", { params: { sessionId: session.id } }))) as {
      processes: ProcessInfo[];
    };
    expect(own.processes.map((p) => p.id)).toEqual([started.id]);
    const out = (await expectOK(
      await api(owner, "GET /api/sessions/{sessionId}/processes/{processId}/output", {
        params: { sessionId: session.id, processId: started.id },
        query: { offset: 0 },
      }),
    )) as {
      data: string;
      state: string;
    };
    expect(out.data).toContain(secret);
    expect(out.state).toBe("running");
    await expectOK(
      await api(owner, "POST /api/sessions/{sessionId}/processes/{processId}/signal", {
        params: { sessionId: session.id, processId: started.id },
        body: { signal: "SIGKILL" },
      }),
    );
    await expectOK(
      await api(member, "POST /api/sessions/{sessionId}/processes/{processId}/signal", {
        params: { sessionId: session.id, processId: mine.id },
        body: { signal: "SIGKILL" },
      }),
    );
  });
});
