import { ApiError } from "@burstflare/sdk/errors";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { authConfig } from "./config";

/**
 * Unauthenticated auth mutations (register, login, recover) set cookies, so a
 * cross-site page must not be able to drive them (login CSRF). Browsers send
 * Origin on every POST; non-browser clients (CLI, tests) send none and are not
 * exposed to CSRF.
 */
export const sameOriginOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    const origin = c.req.header("origin");
    if (origin && origin !== authConfig(c.env).origin) {
      throw new ApiError("csrf_failed", "cross-origin request refused");
    }
    if (c.req.header("sec-fetch-site") === "cross-site") {
      throw new ApiError("csrf_failed", "cross-site request refused");
    }
  }
  await next();
};
