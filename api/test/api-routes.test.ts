import { env, exports } from "cloudflare:workers";
import { API_ROUTES } from "@burstflare/sdk/api-routes";
import { describe, expect, it } from "vitest";
import { type OpenAPIDoc, renderApiRoutes, routeTable } from "../../scripts/lib/api-routes";

const mutableEnv = env as unknown as Record<string, string | undefined>;

/** The marker `npm run api:routes` looks for in the test output to rewrite sdk/api-routes.ts. */
const DUMP_MARKER = "@@api-routes@@";

describe("sdk/api-routes.ts", () => {
  it("lists exactly the routes of /api/openapi.json (operator seeding on, so its routes are in the document)", async () => {
    mutableEnv.OPERATOR_SEEDING = "1";
    const res = await exports.default.fetch("http://localhost/api/openapi.json").finally(() => {
      mutableEnv.OPERATOR_SEEDING = undefined;
    });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenAPIDoc;
    if ((env as { API_ROUTES_DUMP?: string }).API_ROUTES_DUMP) {
      console.log(`${DUMP_MARKER}${JSON.stringify(renderApiRoutes(doc))}${DUMP_MARKER}`);
    }
    const table = routeTable(doc);
    expect(Object.keys(table).length).toBeGreaterThan(50);
    // On failure run `npm run api:routes` to regenerate the file from the document.
    expect(API_ROUTES).toEqual(table);
  });

  it("leaves the operator seeding routes out where seeding is off, as the routes answer 404 there", async () => {
    const doc = (await (await exports.default.fetch("http://localhost/api/openapi.json")).json()) as OpenAPIDoc;
    const paths = Object.keys(routeTable(doc));
    expect(paths.length).toBeGreaterThan(50);
    expect(paths.filter((route) => route.includes("/api/admin/seed/"))).toEqual([]);
    expect(Object.keys(API_ROUTES).filter((route) => route.includes("/api/admin/seed/")).length).toBe(5);
  });
});
