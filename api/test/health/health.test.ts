import { exports } from "cloudflare:workers";
import { healthSchema } from "@burstflare/sdk/schemas/health";
import { describe, expect, it } from "vitest";

describe("GET /api/health", () => {
  it("reports every binding present, checked against the real local resources", async () => {
    const res = await exports.default.fetch("http://localhost/api/health");
    expect(res.status).toBe(200);
    const body = healthSchema.parse(await res.json());
    expect(body.bindings).toEqual({
      DB: true,
      KV: true,
      BUCKET: true,
      BUILD_QUEUE: true,
      RECONCILE_QUEUE: true,
      BUILD_WORKFLOW: true,
      SESSION: true,
      WORKSPACE_CONTAINER: true,
      WORKSPACE_EVENTS: true,
    });
    expect(body.runtimeDriver).toBe("local");
    expect(body.turnstileEnabled).toBe(false);
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("answers unknown routes with the JSON error shape", async () => {
    const res = await exports.default.fetch("http://localhost/api/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "no route for GET /api/nope" } });
  });

  it("serves an OpenAPI document that lists the health route", async () => {
    const res = await exports.default.fetch("http://localhost/api/openapi.json");
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/api/health"]).toBeDefined();
  });

  it("rejects oversized JSON bodies with 413 before any handler runs", async () => {
    const res = await exports.default.fetch("http://localhost/api/templates", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(300 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });
});
