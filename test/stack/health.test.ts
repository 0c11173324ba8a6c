import { healthSchema } from "@burstflare/sdk/schemas/health";
import { describe, expect, inject, it } from "vitest";

describe("local stack", () => {
  it("serves the SPA and the API on one origin with every binding present", async () => {
    const baseURL = inject("baseURL");
    const html = await (await fetch(`${baseURL}/`)).text();
    expect(html).toContain('<div id="root">');
    const spaFallback = await fetch(`${baseURL}/sessions/some-deep-link`);
    expect(spaFallback.status).toBe(200);
    const health = healthSchema.parse(await (await fetch(`${baseURL}/api/health`)).json());
    expect(Object.values(health.bindings).every(Boolean)).toBe(true);
    expect(health.runtimeReachable).toBe(true);
  });
});
