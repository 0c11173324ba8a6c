import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { API_ROUTES } from "@burstflare/sdk/api-routes";
import { describe, expect, it } from "vitest";
import { checkRoute, ScriptClient } from "../../lib/api-client.mjs";
import { SMOKE_SCHEMAS } from "../../smoke/schemas";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** The .mjs files whose API calls go through ScriptClient by route key. */
function scriptFiles(): string[] {
  const dirs = ["scripts/smoke", "scripts/bench", "scripts/lib"];
  return dirs.flatMap((d) =>
    readdirSync(path.join(ROOT, d))
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => path.join(d, f)),
  );
}

describe("ScriptClient", () => {
  it("refuses a route key that is not in sdk/api-routes.ts before sending anything", async () => {
    let sent = 0;
    const client = new ScriptClient({
      baseURL: "http://127.0.0.1:1",
      fetch: async () => {
        sent++;
        return new Response("{}");
      },
    });
    // @ts-expect-error a typo'd route: the type says so, and so does the run-time check for .mjs callers
    await expect(client.call("GET /api/sesions/{id}", { params: { id: "x" } })).rejects.toThrow(
      /unknown API route "GET \/api\/sesions\/\{id\}"/,
    );
    // @ts-expect-error as above
    await expect(client.callRaw("DELETE /api/health")).rejects.toThrow(/unknown API route/);
    // @ts-expect-error as above
    expect(() => client.routeURL("GET /api/nothing")).toThrow(/unknown API route/);
    expect(sent).toBe(0);
  });

  it("sends a known route with its parameters encoded", async () => {
    const seen: string[] = [];
    const client = new ScriptClient({
      baseURL: "http://127.0.0.1:1",
      fetch: async (input, init) => {
        seen.push(`${init?.method} ${String(input)}`);
        return Response.json({ ok: true });
      },
    });
    expect(await client.call("GET /api/sessions/{sessionId}", { params: { sessionId: "a/b" } })).toEqual({ ok: true });
    expect(client.routeURL("GET /api/sessions", { query: { state: "running", limit: 50 } })).toBe(
      "http://127.0.0.1:1/api/sessions?state=running&limit=50",
    );
    expect(seen).toEqual(["GET http://127.0.0.1:1/api/sessions/a%2Fb"]);
  });

  it("every route key written in the smoke and bench scripts exists (checked before any run)", () => {
    const keys = new Set<string>();
    for (const file of scriptFiles()) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      for (const m of text.matchAll(/\b(?:call|callRaw|routeURL|url)\(\s*"((?:GET|POST|PUT|PATCH|DELETE) \/api\/[^"]*)"/g))
        keys.add(m[1] as string);
    }
    expect(keys.size).toBeGreaterThan(20);
    for (const key of keys) expect(Object.hasOwn(API_ROUTES, key), key).toBe(true);
    expect(() => checkRoute("GET /api/health")).not.toThrow();
  });

  it("the smoke checks the answer of every JSON route it calls against the contract's schema", () => {
    const text = readFileSync(path.join(ROOT, "scripts/smoke/steps.mjs"), "utf8");
    const called = [...text.matchAll(/\bcall\(\s*"([A-Z]+ \/api\/[^"]*)"/g)].map((m) => m[1] as string);
    expect(called.length).toBeGreaterThan(15);
    for (const key of called) expect(Object.keys(SMOKE_SCHEMAS), key).toContain(key);
  });

  it("no smoke or bench script calls the API by path", () => {
    for (const file of scriptFiles()) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      // fetch stays for the runtime host, agents and the load generators, never for /api/ paths.
      expect(text, file).not.toMatch(/fetch\(`\$\{[^}]*\}\/api\//);
      expect(text, file).not.toMatch(/\.(?:get|post|delete|request|json)\(\s*[`"]\/api\//);
    }
  });
});
