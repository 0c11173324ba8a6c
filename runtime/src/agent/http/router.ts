import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "@burstflare/sdk/errors";
import { pathProblem, queryProblem } from "@burstflare/sdk/protocol/runtime-path";

export interface Route {
  method: string;
  /** Exact path, or a prefix when it ends with `*`. */
  path: string;
  handle: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;
}

/**
 * The request URL, refused (400) unless its raw path is one the control plane could have routed:
 * origin-form only, no encoded slash or backslash, no dot segment, no control character (the
 * rules in sdk/protocol/runtime-path.ts). Node hands over the request line as sent and `new URL`
 * would resolve what is left, so this runs before any handler sees a path.
 */
export function routableURL(rawURL: string | undefined): URL {
  const raw = rawURL ?? "/";
  const query = raw.indexOf("?");
  const rawPath = query < 0 ? raw : raw.slice(0, query);
  const problem = pathProblem(rawPath) ?? (query < 0 ? null : queryProblem(raw.slice(query)));
  if (problem) throw new ApiError("bad_request", problem);
  const url = new URL(raw, "http://agent");
  if (url.pathname !== rawPath) throw new ApiError("bad_request", "the path would be rewritten by URL parsing");
  return url;
}

export function matchRoute(routes: Route[], method: string, pathname: string): Route {
  let pathMatched = false;
  for (const route of routes) {
    const matches = route.path.endsWith("*") ? pathname.startsWith(route.path.slice(0, -1)) : pathname === route.path;
    if (!matches) continue;
    pathMatched = true;
    if (route.method === "*" || route.method === method) return route;
  }
  if (pathMatched) throw new ApiError("bad_request", `method ${method} not allowed on ${pathname}`);
  throw new ApiError("not_found", `no route for ${method} ${pathname}`);
}
