import { ApiError, type ErrorBody } from "@burstflare/sdk/errors";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env";
import { log } from "./log";

export function errorResponse(err: ApiError): Response {
  const body: ErrorBody = { error: { code: err.code, message: err.message } };
  if (err.details !== undefined) body.error.details = err.details;
  return Response.json(body, { status: err.status, headers: err.headers });
}

export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return errorResponse(err);
  if (err instanceof HTTPException) {
    const code = err.status === 413 ? "payload_too_large" : err.status === 401 ? "unauthorized" : "bad_request";
    return errorResponse(new ApiError(code, err.message || "request rejected"));
  }
  if (err instanceof SyntaxError) return errorResponse(new ApiError("bad_request", "malformed JSON body"));
  log("error", "unhandled error", { requestId: c.get("requestId"), path: c.req.path, error: String(err), stack: err.stack });
  return errorResponse(new ApiError("internal", "internal error"));
}

export const notFound = (what: string): ApiError => new ApiError("not_found", `${what} not found`);

/** The value a lookup found; a 404 for `what` when it found none. */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value == null) throw notFound(what);
  return value;
}
