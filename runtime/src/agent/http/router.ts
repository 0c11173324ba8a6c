import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "../../../../sdk/errors";

export interface Route {
  method: string;
  /** Exact path, or a prefix when it ends with `*`. */
  path: string;
  handle: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;
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
