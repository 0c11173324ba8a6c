import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { errorResponses } from "./openapi";

type Method = "get" | "post" | "put" | "patch" | "delete";

/** What a declaration says beside its method and path; `tags` overrides the router's. */
type RouteSpec = Omit<RouteConfig, "method" | "path">;

/**
 * The route declarations of one router, `route.post(path, { summary, middleware, request, responses })`:
 * each is a createRoute() config with the router's tags and the shared error responses (400/401/403/404),
 * which the spec's own responses may override. Types flow through, so `c.req.valid()` and `c.json()`
 * stay checked against the spec.
 */
export function routes(tags: string[]) {
  const declare =
    <M extends Method>(method: M) =>
    <P extends string, S extends RouteSpec>(path: P, spec: S) =>
      createRoute({ method, path, tags, ...spec, responses: { ...errorResponses, ...spec.responses } });
  return { get: declare("get"), post: declare("post"), put: declare("put"), patch: declare("patch"), delete: declare("delete") };
}
