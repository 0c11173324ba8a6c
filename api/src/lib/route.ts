import type { Action } from "@burstflare/sdk/permissions";
import { idSchema } from "@burstflare/sdk/schemas/common";
import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { requireAuth, requireOperator, requirePermission } from "../middleware/auth";
import { createRouter } from "./app";
import { errorResponses } from "./openapi";

type Method = "get" | "post" | "put" | "patch" | "delete";

/** What a declaration says beside its method and path; `tags` overrides the router's. */
type RouteSpec = Omit<RouteConfig, "method" | "path">;

/** The names in a path's `{…}` segments. */
type PathParamNames<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? K | PathParamNames<Rest> : never;

/** A spec's request, with id params for the path's `{…}` names unless it declares its own. */
type RequestOf<P extends string, S extends RouteSpec> = [PathParamNames<P>] extends [never]
  ? S extends { request: infer R }
    ? R
    : undefined
  : S extends { request: { params: object } }
    ? S["request"]
    : (S extends { request: infer R } ? R : unknown) & { params: ReturnType<typeof idParams<PathParamNames<P>>> };

/**
 * The route declarations of one router, `route.post(path, { summary, middleware, request, responses })`:
 * each is a createRoute() config with the router's tags and the shared error responses (400/401/403/404),
 * which the spec's own responses may override. The path's `{…}` names are id params unless the spec
 * declares params. Types flow through, so `c.req.valid()` and `c.json()` stay checked against the spec.
 */
export function routes(tags: string[]) {
  const declare =
    <M extends Method>(method: M) =>
    <P extends string, S extends RouteSpec>(path: P, spec: S) => {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
      const request = names.length > 0 && !spec.request?.params ? { params: idParams(...names), ...spec.request } : spec.request;
      const config = { method, path, tags, ...spec, ...(request && { request }), responses: { ...errorResponses, ...spec.responses } };
      return createRoute(config as Omit<typeof config, "request"> & { request: RequestOf<P, S> });
    };
  return { get: declare("get"), post: declare("post"), put: declare("put"), patch: declare("patch"), delete: declare("delete") };
}

/** A router and the declarations of its routes under the given tags. */
export function apiRouter(tags: string[]) {
  return { router: createRouter(), route: routes(tags) };
}

/** Route middleware: signed in, then each action checked against the caller's role in the current workspace. */
export function permitted(...actions: Action[]) {
  return [requireAuth, ...actions.map((action) => requirePermission(action))];
}

/** Route middleware for routes about the signed-in user rather than a workspace resource (list mine, switch, accept). */
export const signedIn = () => [requireAuth];

/** Route middleware: signed in as a proven operator. */
export const operatorOnly = () => [requireAuth, requireOperator];

/** Path parameters that are all ids, `{sessionId}/…/{snapshotId}`, in the order the path names them. */
function idParams<K extends string>(...names: K[]) {
  return z.object(Object.fromEntries(names.map((name) => [name, idSchema])) as Record<K, typeof idSchema>);
}
