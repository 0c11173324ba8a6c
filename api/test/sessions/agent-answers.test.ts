import { ApiError } from "@burstflare/sdk/errors";
import { describe, expect, it } from "vitest";
import { agentError } from "../../src/sessions/agent-call";
import { hardenFileResponse } from "../../src/sessions/file-response";
import { INTERNAL_HEADERS, unmarked } from "../../src/sessions/proxy";

/** What an agent steered by the session's own code could answer (it runs with the session's uid). */
const hostileHeaders = {
  "content-type": "text/html; charset=utf-8",
  "set-cookie": "bf_session=attacker; Path=/; HttpOnly",
  "clear-site-data": '"cookies"',
  refresh: "0; url=https://evil.example/",
  link: "<https://evil.example/x.css>; rel=stylesheet",
  "access-control-allow-origin": "*",
  "x-file-mtime": "1700000000000",
};

describe("agent answers on the app origin", () => {
  it("a file answer keeps its bytes and mtime but none of the agent's other headers, and is never a page", async () => {
    const out = hardenFileResponse(new Response("<script>steal()</script>", { status: 200, headers: hostileHeaders }));
    expect(out.status).toBe(200);
    expect(await out.text()).toBe("<script>steal()</script>");
    // Exactly these headers: every other one the agent sent is gone.
    expect(Object.fromEntries(out.headers)).toEqual({
      "content-type": "application/octet-stream",
      "content-disposition": "attachment",
      "content-security-policy": "sandbox; default-src 'none'",
      "x-content-type-options": "nosniff",
      "x-file-mtime": "1700000000000",
    });
  });

  it("a JSON file answer stays JSON; a redirect from the agent is refused, never followed by the browser", async () => {
    const json = hardenFileResponse(new Response('{"entries":[]}', { headers: { "content-type": "application/json" } }));
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(json.headers.get("content-disposition")).toBeNull();
    const redirect = new Response(null, { status: 302, headers: { location: "https://evil.example/" } });
    expect(() => hardenFileResponse(redirect)).toThrow(ApiError);
    try {
      hardenFileResponse(redirect);
    } catch (err) {
      expect((err as ApiError).code).toBe("runtime_unavailable");
    }
  });

  it("a terminal or SSH refusal is our own error: a known code keeps its code and message, a page becomes runtime_unavailable", async () => {
    const page = await agentError(new Response("<h1>sign in again</h1>", { status: 200, headers: hostileHeaders }));
    expect(page.code).toBe("runtime_unavailable");
    const refused = await agentError(
      Response.json({ error: { code: "invalid_state", message: "session is stopped; start it first" } }, { status: 409 }),
    );
    expect({ code: refused.code, message: refused.message }).toEqual({
      code: "invalid_state",
      message: "session is stopped; start it first",
    });
    const invented = await agentError(Response.json({ error: { code: "owned", message: "<b>x</b>" } }, { status: 418 }));
    expect(invented.code).toBe("runtime_unavailable");
    // Nor may it speak for the caller's sign-in: a 401 told the web app and the CLI it was gone.
    for (const code of ["unauthorized", "token_reused", "csrf_failed", "expired_token", "token_not_allowed", "quota_exceeded"]) {
      const credential = await agentError(Response.json({ error: { code, message: "sign in again at evil.example" } }, { status: 401 }));
      expect(credential.code, code).toBe("runtime_unavailable");
    }
  });

  it("only the Session DO's own refusal keeps a code an agent may not say; an agent's copy of the DO's mark is dropped", async () => {
    const quota = { error: { code: "quota_exceeded", message: "quota exceeded", details: { limit: "runningSessions" } } };
    const mark = { [INTERNAL_HEADERS.refusal]: "session" };
    const own = await agentError(Response.json(quota, { status: 403, headers: mark }));
    expect({ code: own.code, details: own.details }).toEqual({ code: "quota_exceeded", details: { limit: "runningSessions" } });
    const forged = await agentError(unmarked(Response.json(quota, { status: 403, headers: mark })));
    expect(forged.code).toBe("runtime_unavailable");
  });
});
