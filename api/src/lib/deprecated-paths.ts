import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { getPath } from "hono/utils/url";
import type { AppEnv } from "../env";

/**
 * Paths renamed for consistency (issue 20) that keep answering until `removedIn`. Routing maps
 * an old path onto its current one before matching, so the old path runs the very same route,
 * middleware and handler (bodies included, which a redirect would drop). Listed, with these
 * releases, in docs/architecture.md ("Deprecated paths"); the old sign-in list, which answers
 * under its old key, is a route of its own in auth/routes/sign-ins.ts.
 */
interface DeprecatedPath {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** `{name}` stands for one path segment, carried over to `current` by name. */
  old: string;
  current: string;
  removedIn: string;
}

export const DEPRECATED_PATHS: readonly DeprecatedPath[] = [
  { method: "DELETE", old: "/api/auth/sessions/{signInId}", current: "/api/auth/sign-ins/{signInId}", removedIn: "0.3.0" },
  { method: "POST", old: "/api/workspaces/current/export", current: "/api/workspaces/current/exports", removedIn: "0.3.0" },
  {
    method: "POST",
    old: "/api/admin/workspaces/{workspaceId}/export",
    current: "/api/admin/workspaces/{workspaceId}/exports",
    removedIn: "0.3.0",
  },
  {
    method: "POST",
    old: "/api/admin/builds/retry-dead-lettered",
    current: "/api/admin/template-builds/retry-dead-lettered",
    removedIn: "0.3.0",
  },
  { method: "POST", old: "/api/admin/builds/{buildId}/retry", current: "/api/admin/template-builds/{buildId}/retry", removedIn: "0.3.0" },
];

interface Compiled {
  entry: DeprecatedPath;
  pattern: RegExp;
  names: string[];
}

const compiled: Compiled[] = DEPRECATED_PATHS.map((entry) => {
  const names: string[] = [];
  const source = entry.old
    .split("/")
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(param[1]!);
      return "([^/]+)";
    })
    .join("/");
  return { entry, pattern: new RegExp(`^${source}/?$`), names };
});

/** The current path for a request to a deprecated one, else null. */
export function currentPathOf(method: string, path: string): { path: string; entry: DeprecatedPath } | null {
  const m = method === "HEAD" ? "GET" : method;
  for (const { entry, pattern, names } of compiled) {
    if (entry.method !== m) continue;
    const match = pattern.exec(path);
    if (!match) continue;
    const values = new Map(names.map((n, i) => [n, match[i + 1]!]));
    return { path: entry.current.replace(/\{(\w+)\}/g, (_, n: string) => values.get(n) ?? ""), entry };
  }
  return null;
}

/** Hono's `getPath` with deprecated paths mapped onto their current ones. */
export function routingPath(request: Request): string {
  const path = getPath(request);
  return currentPathOf(request.method, path)?.path ?? path;
}

/** Marks answers to a deprecated path (RFC 9745 `Deprecation`, and a `Link` to its successor). */
export const deprecationHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deprecated = currentPathOf(c.req.method, getPath(c.req.raw));
  await next();
  if (!deprecated) return;
  c.res.headers.set("deprecation", "true");
  c.res.headers.set("link", `<${deprecated.path}>; rel="successor-version"`);
};

/** Lists each deprecated path in /api/openapi.json, marked deprecated and naming its successor. */
export function documentDeprecatedPaths(app: OpenAPIHono<AppEnv>): void {
  for (const { entry, names } of compiled) {
    const params = names.length ? { params: z.object(Object.fromEntries(names.map((n) => [n, z.string()]))) } : {};
    app.openAPIRegistry.registerPath({
      method: entry.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete",
      path: entry.old,
      tags: ["deprecated"],
      deprecated: true,
      summary: `Deprecated: ${entry.method} ${entry.current}`,
      description: `The same route as ${entry.method} ${entry.current} (same body and answers); removed in ${entry.removedIn}.`,
      request: params,
      responses: { default: { description: `as ${entry.method} ${entry.current}` } },
    });
  }
}
