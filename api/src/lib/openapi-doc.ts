import { API_VERSION, PRODUCT_NAME } from "@burstflare/sdk/version";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";

export function mountOpenAPI(app: OpenAPIHono<AppEnv>): void {
  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: { title: `${PRODUCT_NAME} API`, version: API_VERSION },
  });
}
