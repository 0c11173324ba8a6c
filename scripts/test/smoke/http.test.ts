import { afterEach, describe, expect, it, vi } from "vitest";
import { SmokeClient, SmokeError } from "../../smoke/http.mjs";
import { SMOKE_SCHEMAS } from "../../smoke/schemas";

afterEach(() => {
  vi.unstubAllGlobals();
});

function answering(body: unknown, status = 200) {
  vi.stubGlobal("fetch", async () => Response.json(body, { status }));
}

describe("SmokeClient", () => {
  it("fails a step whose answer breaks the route's schema, naming the route", async () => {
    answering({ sessions: [] });
    const client = new SmokeClient("http://127.0.0.1:1", { schemas: SMOKE_SCHEMAS });
    const err = await client.call("GET /api/sessions/{sessionId}", { params: { sessionId: "ses_x" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmokeError);
    expect(String((err as Error).message)).toMatch(
      /^GET \/api\/sessions\/\{sessionId\} → internal: unexpected answer from GET \/api\/sessions\/ses_x at /,
    );
  });

  it("hands a valid answer over as sent, unknown fields included", async () => {
    answering({ ok: true, extra: "kept" });
    const client = new SmokeClient("http://127.0.0.1:1", { schemas: SMOKE_SCHEMAS });
    expect(await client.call("DELETE /api/templates/{templateId}", { params: { templateId: "tpl_x" } })).toEqual({
      ok: true,
      extra: "kept",
    });
  });

  it("words a server error with its code", async () => {
    answering({ error: { code: "not_found", message: "no such session" } }, 404);
    const client = new SmokeClient("http://127.0.0.1:1", { schemas: SMOKE_SCHEMAS });
    await expect(client.call("GET /api/sessions/{sessionId}", { params: { sessionId: "ses_x" } })).rejects.toThrow(
      "GET /api/sessions/{sessionId} → not_found: no such session",
    );
  });
});
