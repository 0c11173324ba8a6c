import type { Action } from "@burstflare/sdk/permissions";
import { idSchema } from "@burstflare/sdk/schemas/common";
import { createRoute, type OpenAPIHono, type OpenAPIRoute, type RouteConfig, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import type { AuthContext } from "../middleware/auth";
import { requireAuth, requireOperator, requirePermission } from "../middleware/auth";
import { createRouter } from "./app";
import { errorResponses } from "./openapi";

type Method = "get" | "post" | "put" | "patch" | "delete";

/**
 * Who may call a route: the middleware that runs before its handler (sign-in, role, rate limit,
 * origin). Never empty: a public route states its rate limit or origin check.
 */
export type Access = MiddlewareHandler<AppEnv> | readonly [MiddlewareHandler<AppEnv>, ...MiddlewareHandler<AppEnv>[]];

type RouteRequest = NonNullable<RouteConfig["request"]>;
type RouteResponses = RouteConfig["responses"];

/** What a declaration says beside its method, path, access and handler; `tags` overrides the router's. */
type RouteSpec<Req extends RouteRequest, Res extends RouteResponses> = Omit<
  RouteConfig,
  "method" | "path" | "middleware" | "request" | "responses"
> & {
  request?: Req;
  responses: Res;
};

/** The names in a path's `{…}` segments. */
type PathParamNames<P extends string> = P extends `${string}{${infer K}}${infer Rest}` ? K | PathParamNames<Rest> : never;

/** A spec's request, with id params for the path's `{…}` names unless it declares its own. */
type RequestOf<P extends string, Req extends RouteRequest> = [PathParamNames<P>] extends [never]
  ? Req
  : Req extends { params: object }
    ? Req
    : Req & { params: ReturnType<typeof idParams<PathParamNames<P>>> };

/** The createRoute() config a declaration stands for: the shared error responses under the spec's own. */
type Declared<M extends Method, P extends string, A extends Access, Req extends RouteRequest, Res extends RouteResponses> = Omit<
  RouteSpec<Req, Res>,
  "request" | "responses"
> & {
  method: M;
  path: P;
  tags: string[];
  middleware: A extends readonly MiddlewareHandler<AppEnv>[] ? [...A] : A;
  request: RequestOf<P, Req>;
  responses: WithErrorResponses<Res>;
};

/** The spec's responses over the shared error responses, as one object type (as the spread builds it). */
type WithErrorResponses<Res> = {
  [Code in keyof Res | keyof typeof errorResponses]: Code extends keyof Res
    ? Res[Code]
    : Code extends keyof typeof errorResponses
      ? (typeof errorResponses)[Code]
      : never;
};

type RouteContext<D extends RouteConfig> = Parameters<OpenAPIRoute<D, AppEnv>["handler"]>[0];
type ValidatedOf<D extends RouteConfig> =
  RouteContext<D> extends Context<infer _E, infer _P, infer I> ? (I extends { out: infer O } ? O : never) : never;
type Part<O, K extends string> = O extends Record<K, infer V> ? V : never;

/** What a handler is given beside the context: the caller and the validated body, path params and query. */
type RouteInput<D extends RouteConfig> = {
  auth: AuthContext;
  body: Part<ValidatedOf<D>, "json">;
  params: Part<ValidatedOf<D>, "param">;
  query: Part<ValidatedOf<D>, "query">;
};

type RouteHandler<D extends RouteConfig> = (c: RouteContext<D>, input: RouteInput<D>) => ReturnType<OpenAPIRoute<D, AppEnv>["handler"]>;

/** The caller is set by the access middleware; a route without a sign-in never reads it. */
function inputOf(c: Context<AppEnv>) {
  const valid = (target: string) => c.req.valid(target as never);
  return { auth: c.get("auth"), body: valid("json"), params: valid("param"), query: valid("query") };
}

/**
 * The routes of one router, `route.post(path, access, { summary, request, responses, handler })`: who may call
 * it is stated on every route, and the route is registered with the router's tags and the shared error
 * responses (400/401/403/404), which the spec's own responses may override. The path's `{…}` names are id
 * params unless the spec declares params. The handler gets the caller and the validated input beside the
 * context, and its input and `c.json()` are checked against the spec.
 */
export function routes(router: OpenAPIHono<AppEnv>, tags: string[]) {
  const declare =
    <M extends Method>(method: M) =>
    <P extends string, const A extends Access, Res extends RouteResponses, Req extends RouteRequest = Record<never, never>>(
      path: P,
      access: A,
      spec: RouteSpec<Req, Res> & { handler: RouteHandler<Declared<M, P, A, Req, Res>> },
    ) => {
      if (Array.isArray(access) && access.length === 0) throw new Error(`${method.toUpperCase()} ${path}: a route states who may call it`);
      const { handler, ...rest } = spec;
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
      const request = names.length > 0 && !rest.request?.params ? { params: idParams(...names), ...rest.request } : rest.request;
      const config = {
        method,
        path,
        tags,
        ...rest,
        middleware: access,
        ...(request && { request }),
        responses: { ...errorResponses, ...rest.responses },
      };
      // createRoute()'s and openapi()'s generics cannot be followed through this generic function; the
      // casts restate the types the spread above builds.
      type D = Declared<M, P, A, Req, Res>;
      router.openapi(createRoute(config as unknown as D), (c) =>
        handler(c as unknown as RouteContext<D>, inputOf(c as unknown as Context<AppEnv>) as RouteInput<D>),
      );
    };
  return { get: declare("get"), post: declare("post"), put: declare("put"), patch: declare("patch"), delete: declare("delete") };
}

/** A router and the declarations of its routes under the given tags. */
export function apiRouter(tags: string[]) {
  const router = createRouter();
  return { router, route: routes(router, tags) };
}

/** Route middleware: signed in, then each action checked against the caller's role in the current workspace. */
export function permitted(...actions: Action[]) {
  return [requireAuth, ...actions.map((action) => requirePermission(action))] as const satisfies Access;
}

/** Route middleware for routes about the signed-in user rather than a workspace resource (list mine, switch, accept). */
export const signedIn = () => [requireAuth] as const;

/** Route middleware: signed in as a proven operator. */
export const operatorOnly = () => [requireAuth, requireOperator] as const;

/** Path parameters that are all ids, `{sessionId}/…/{snapshotId}`, in the order the path names them. */
function idParams<K extends string>(...names: K[]) {
  return z.object(Object.fromEntries(names.map((name) => [name, idSchema])) as Record<K, typeof idSchema>);
}
