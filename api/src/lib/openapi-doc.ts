import { API_VERSION, PRODUCT_NAME } from "@burstflare/sdk/version";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { SEED_PATH_PREFIX, seedingEnabled } from "../admin/seed";
import type { AppEnv } from "../env";

/**
 * Serves /api/openapi.json. The operator seeding routes are left out where seeding is off: there
 * they answer like paths that do not exist, and a document listing them would say otherwise.
 */
export function mountOpenAPI(app: OpenAPIHono<AppEnv>): void {
  app.get("/api/openapi.json", (c) => {
    const doc = app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: `${PRODUCT_NAME} API`, version: API_VERSION },
    });
    if (!seedingEnabled(c.env) && doc.paths) {
      doc.paths = Object.fromEntries(Object.entries(doc.paths).filter(([path]) => !path.startsWith(SEED_PATH_PREFIX)));
    }
    return c.json(doc);
  });
}
