import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { log } from "../lib/log";

/** Every request gets an id (echoed as x-request-id) and one structured access log line. */
export const requestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const id = c.req.header("x-request-id")?.slice(0, 64) || crypto.randomUUID();
  c.set("requestId", id);
  const started = Date.now();
  await next();
  c.header("x-request-id", id);
  log("info", "request", {
    requestId: id,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Date.now() - started,
  });
};
