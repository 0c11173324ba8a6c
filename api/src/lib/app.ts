import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { validationHook } from "./validate";

/**
 * Every router is an OpenAPIHono so its routes land in /api/openapi.json and share one validation hook.
 * `getPath` is for the top-level app only (deprecated paths, lib/deprecated-paths.ts).
 */
export function createRouter(opts: { getPath?: (request: Request) => string } = {}): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook, ...opts });
}
