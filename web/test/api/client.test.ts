import { codeForStatus } from "@burstflare/sdk/client";
import { ApiError } from "@burstflare/sdk/errors";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { client, NetworkError, send } from "../../src/api/client";

function respond(status: number, body: string, headers: Record<string, string> = {}) {
  return vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => new Response(body, { status, headers }));
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected the request to fail");
}

afterEach(() => {
  vi.unstubAllGlobals();
  // biome-ignore lint/suspicious/noDocumentCookie: the client reads this very cookie
  document.cookie = "bf_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT";
});

describe("api client", () => {
  it("returns parsed JSON on success", async () => {
    vi.stubGlobal("fetch", respond(200, JSON.stringify({ sessions: [] }), { "content-type": "application/json" }));
    await expect(client.call("GET /api/sessions")).resolves.toEqual({ sessions: [] });
  });

  it("turns a JSON error body into an ApiError with the server's code, message and details", async () => {
    vi.stubGlobal(
      "fetch",
      respond(409, JSON.stringify({ error: { code: "invalid_state", message: "session is stopping", details: { state: "stopping" } } })),
    );
    const err = await caught(client.call("POST /api/sessions/{sessionId}/start", { params: { sessionId: "s1" }, body: {} }));
    expect(err.code).toBe("invalid_state");
    expect(err.status).toBe(409);
    expect(err.message).toBe("session is stopping");
    expect(err.details).toEqual({ state: "stopping" });
  });

  it("maps answers without an error body by status (a proxy's HTML 502, a plain-text 404)", async () => {
    vi.stubGlobal("fetch", respond(502, "<html>Bad gateway</html>", { "content-type": "text/html" }));
    expect((await caught(client.call("GET /api/health"))).code).toBe("runtime_unavailable");
    vi.stubGlobal("fetch", respond(404, "not here"));
    expect((await caught(client.request("GET", "/nope"))).code).toBe("not_found");
    vi.stubGlobal("fetch", respond(500, ""));
    const err = await caught(client.request("GET", "/boom"));
    expect(err.code).toBe("internal");
    expect(err.message).toMatch(/HTTP 500/);
    // JSON that is not an error body is treated the same way.
    vi.stubGlobal("fetch", respond(401, JSON.stringify({ message: "nope" })));
    expect((await caught(client.call("GET /api/auth/me"))).code).toBe("unauthorized");
  });

  it("reports a network failure as NetworkError (the sdk's one type), never as a thrown TypeError", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );
    const err = await client.call("GET /api/sessions").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).message).toContain("Failed to fetch");
  });

  it("lets an abort through as an AbortError so React Query can cancel quietly", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new DOMException("aborted", "AbortError");
      }),
    );
    await expect(client.call("GET /api/sessions")).rejects.toMatchObject({ name: "AbortError" });
  });

  it("sends the CSRF cookie as x-csrf-token on mutations only, and JSON bodies as JSON", async () => {
    // biome-ignore lint/suspicious/noDocumentCookie: the client reads this very cookie
    document.cookie = "bf_csrf=tok123";
    const fetchMock = respond(200, "{}");
    vi.stubGlobal("fetch", fetchMock);
    await client.call("POST /api/sessions", { body: { name: "a" } });
    await client.call("GET /api/sessions");
    const [, postInit] = fetchMock.mock.calls[0]!;
    const [, getInit] = fetchMock.mock.calls[1]!;
    const postHeaders = new Headers(postInit?.headers);
    expect(postHeaders.get("x-csrf-token")).toBe("tok123");
    expect(postHeaders.get("content-type")).toBe("application/json");
    expect(postInit?.body).toBe(JSON.stringify({ name: "a" }));
    expect(new Headers(getInit?.headers).get("x-csrf-token")).toBeNull();
  });

  it("sends same-origin relative requests with the session cookie", async () => {
    const fetchMock = respond(200, "{}");
    vi.stubGlobal("fetch", fetchMock);
    await client.call("GET /api/sessions/{sessionId}", { params: { sessionId: "s 1" }, query: { x: 1 } });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe("/api/sessions/s%201?x=1");
    expect(init?.credentials).toBe("same-origin");
  });

  it("checks answers against the caller's schema in tests (and the dev build)", async () => {
    vi.stubGlobal("fetch", respond(200, JSON.stringify({ status: 1 })));
    const err = await caught(client.call("GET /api/health", { schema: z.object({ status: z.string() }) }));
    expect(err.code).toBe("internal");
    expect(err.message).toMatch(/GET \/api\/health at status/);
  });

  it("hands over the answer as sent once it passed the schema (the dev build behaves like production)", async () => {
    vi.stubGlobal("fetch", respond(200, JSON.stringify({ status: "ok", extra: 1 })));
    await expect(client.call("GET /api/health", { schema: z.object({ status: z.string() }) })).resolves.toEqual({ status: "ok", extra: 1 });
  });

  it("sends raw bodies (file contents) untouched", async () => {
    const fetchMock = respond(200, JSON.stringify({ path: "a.txt" }));
    vi.stubGlobal("fetch", fetchMock);
    await send("PUT", "/runtime/sessions/s1/files/content?path=a.txt", '{"not":"re-encoded"}');
    const [, init] = fetchMock.mock.calls[0]!;
    expect(init?.body).toBe('{"not":"re-encoded"}');
    expect(new Headers(init?.headers).get("content-type")).toBeNull();
  });

  it("maps statuses to codes", () => {
    expect(codeForStatus(403)).toBe("forbidden");
    expect(codeForStatus(413)).toBe("payload_too_large");
    expect(codeForStatus(429)).toBe("rate_limited");
    expect(codeForStatus(418)).toBe("bad_request");
    expect(codeForStatus(503)).toBe("runtime_unavailable");
  });
});
