import { describe, expect, it } from "vitest";
import { z } from "zod";
import { API_ROUTES } from "../api-routes";
import { ApiClient, routePath } from "../client";
import { ApiError } from "../errors";

function recorder(answer: () => Response) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), method: init?.method ?? "GET", body: init?.body ?? null });
    return answer();
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("ApiClient.call", () => {
  it("fills and encodes path parameters from the route key", async () => {
    const { calls, fetchImpl } = recorder(() => json({ ok: true }));
    const client = new ApiClient({ baseURL: "http://api.test/", fetch: fetchImpl });
    await client.call("GET /api/sessions/{sessionId}", { params: { sessionId: "a b/c" }, query: { x: 1, y: undefined } });
    await client.call("POST /api/sessions", { body: { name: "n" } });
    expect(calls).toEqual([
      { url: "http://api.test/api/sessions/a%20b%2Fc?x=1", method: "GET", body: null },
      { url: "http://api.test/api/sessions", method: "POST", body: '{"name":"n"}' },
    ]);
  });

  it("rejects unknown routes and missing parameters at compile time", () => {
    const client = new ApiClient({ baseURL: "http://api.test" });
    // The lambdas are never run: they exist for the type checker.
    void (() => {
      // @ts-expect-error not a route of the OpenAPI document
      void client.call("GET /api/nope");
      // @ts-expect-error the route needs params.sessionId
      void client.call("GET /api/sessions/{sessionId}");
      // @ts-expect-error wrong parameter name
      void client.call("GET /api/sessions/{sessionId}", { params: { id: "s" } });
    });
    expect(() => routePath("GET /api/sessions/{sessionId}" as keyof typeof API_ROUTES)).toThrow(/missing path parameter sessionId/);
  });

  it("validates the answer with the schema, naming the route and field", async () => {
    const { fetchImpl } = recorder(() => json({ session: { id: 7 } }));
    const schema = z.object({ session: z.object({ id: z.string() }) });
    const strict = new ApiClient({ baseURL: "http://api.test", fetch: fetchImpl });
    const err = await strict.call("GET /api/sessions/{sessionId}", { params: { sessionId: "s1" }, schema }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/GET \/api\/sessions\/s1 at session\.id/);
    const lax = new ApiClient({ baseURL: "http://api.test", fetch: fetchImpl, validate: false });
    expect(await lax.call("GET /api/sessions/{sessionId}", { params: { sessionId: "s1" }, schema })).toEqual({ session: { id: 7 } });
  });

  it("turns error bodies into ApiError through callRaw too", async () => {
    const { fetchImpl } = recorder(() => json({ error: { code: "not_found", message: "no such session" } }, 404));
    const client = new ApiClient({ baseURL: "http://api.test", fetch: fetchImpl });
    const err = await client.callRaw("DELETE /api/sessions/{sessionId}", { params: { sessionId: "x" } }).catch((e) => e);
    expect(err).toMatchObject({ code: "not_found", message: "no such session" });
  });

  it("has a key for every route in the table", () => {
    for (const key of Object.keys(API_ROUTES)) expect(key).toMatch(/^(GET|PUT|POST|PATCH|DELETE|HEAD|OPTIONS) \/api\//);
  });
});
