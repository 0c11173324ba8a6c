import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { log } from "../lib/log";

/**
 * Successful reads are the bulk of traffic and the platform already records every invocation;
 * their access line is sampled (1 in READ_SAMPLE), as writing a console line costs more than the
 * request under `wrangler dev`. Mutations, errors and slow requests are always logged.
 */
const READ_SAMPLE = 20;
const SLOW_MS = 1000;
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Every request gets an id (echoed as x-request-id) and, per the rule above, one structured access log line. */
export const requestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const id = c.req.header("x-request-id")?.slice(0, 64) || crypto.randomUUID();
  c.set("requestId", id);
  const started = Date.now();
  await next();
  c.header("x-request-id", id);
  const ms = Date.now() - started;
  const status = c.res.status;
  const routine = READ_METHODS.has(c.req.method) && status < 400 && ms < SLOW_MS;
  if (routine && Math.random() * READ_SAMPLE >= 1) return;
  log("info", "request", {
    requestId: id,
    method: c.req.method,
    path: c.req.path,
    status,
    ms,
    ...(routine ? { sampled: READ_SAMPLE } : {}),
  });
};
