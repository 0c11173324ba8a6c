import { ApiClient, path, type Query, type RouteKey, type RouteParams, routePath } from "@burstflare/sdk/client";
import { type Session, type SessionDetail, sessionDetailResponse, sessionResponse } from "@burstflare/sdk/schemas/sessions";
import { inject } from "vitest";
import { createStackUser, type StackUser } from "./users";

export const baseURL = (): string => inject("baseURL");

/** Who calls: a stack user, any bearer or cookie headers (`{ headers }`), or nobody (null). */
export type Caller = Pick<StackUser, "headers"> | null;

/** The sdk client as a CLI would use it (bearer token, no CSRF), answers checked against their schemas. */
export function clientFor(user: Caller): ApiClient {
  return new ApiClient({ baseURL: baseURL(), headers: () => ({ ...(user?.headers ?? {}) }), validate: true });
}

type ApiParams<K extends RouteKey> = [RouteParams<K>] extends [never]
  ? { params?: undefined }
  : { params: Record<RouteParams<K>, string | number> };

/**
 * What a test sends to a route: its path parameters (encoded), a query and a JSON body. A query
 * given as a string is sent as written (repeated keys, the exact encoding a test checks).
 */
export type ApiOptions<K extends RouteKey> = ApiParams<K> & {
  query?: Query | string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};
type ApiArgs<K extends RouteKey> = [RouteParams<K>] extends [never] ? [opts?: ApiOptions<K>] : [opts: ApiOptions<K>];

/** A request resolved to its method and path, for tables of calls that each expect the same answer. */
export interface ApiRequest {
  method: string;
  path: string;
  /** What a failing assertion names: the route key, or the raw path. */
  label: string;
  query?: Query | string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A call to a route of the OpenAPI document (sdk/api-routes.ts): a typo or a removed route fails typecheck. */
export function req<K extends RouteKey>(route: K, ...[opts]: ApiArgs<K>): ApiRequest {
  const { params, ...rest } = (opts ?? {}) as ApiOptions<RouteKey> & { params?: Record<string, string | number> };
  return { ...routePath(route, params), label: route, ...rest };
}

/** The session runtime's own entries, which are not OpenAPI routes (api/src/sessions/runtime-path.ts). */
export type RuntimeEntry =
  | "files"
  | "files/tree"
  | "files/content"
  | "files/mkdir"
  | "files/rename"
  | "terminal"
  | "ssh"
  | "preview"
  | `preview/${string}`;

/** What a runtime call sends; a string query is sent as written, like `ApiOptions`'. */
export type RuntimeOptions = { query?: Query | string; body?: unknown; headers?: Record<string, string> };

/** A call to `/runtime/sessions/<sessionId>/<entry>`, the session id encoded like a route parameter. */
export function runtimeReq(
  method: "GET" | "PUT" | "POST" | "DELETE",
  sessionId: string,
  entry: RuntimeEntry,
  opts: RuntimeOptions = {},
): ApiRequest {
  return {
    method,
    path: `${path`/runtime/sessions/${sessionId}`}/${entry}`,
    label: `${method} /runtime/sessions/{sessionId}/${entry}`,
    ...opts,
  };
}

/** Sends a request and returns the Response whatever its status, for tests that assert status codes and error bodies. */
export async function send(user: Caller, request: ApiRequest): Promise<Response> {
  const headers: Record<string, string> = {
    ...(request.body === undefined ? {} : { "content-type": "application/json" }),
    ...request.headers,
  };
  const { query } = request;
  const path = typeof query === "string" && query ? `${request.path}?${query}` : request.path;
  return clientFor(user).raw(request.method, path, {
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    query: typeof query === "string" ? undefined : query,
    headers,
    signal: request.signal,
    acceptErrors: true,
  });
}

/** `send(user, req(route, opts))`: a JSON call to a route key, returning the Response whatever its status. */
export async function api<K extends RouteKey>(user: Caller, route: K, ...opts: ApiArgs<K>): Promise<Response> {
  return send(user, req(route, ...opts));
}

/** `send(user, runtimeReq(…))`: a call to a session's runtime entry, returning the Response whatever its status. */
export async function runtimeApi(
  user: Caller,
  method: "GET" | "PUT" | "POST" | "DELETE",
  sessionId: string,
  entry: RuntimeEntry,
  opts?: RuntimeOptions,
): Promise<Response> {
  return send(user, runtimeReq(method, sessionId, entry, opts));
}

/**
 * A JSON call to a path exactly as written, for tests that send what no route key can: a
 * malformed, encoded or unknown path (traversal, `%65vents`, a route that must not exist).
 * Every caller says why it is not `api()`.
 */
export async function rawApi(user: Caller, method: string, rawPath: string, body?: unknown): Promise<Response> {
  return send(user, { method, path: rawPath, label: `${method} ${rawPath}`, body });
}

export async function expectOK(res: Response, status = 200): Promise<unknown> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function createSession(user: StackUser, body: Record<string, unknown>): Promise<Session> {
  // Through the route key, but with the exact 201 asserted like every status-checking test.
  const res = await clientFor(user).callRaw("POST /api/sessions", {
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
    acceptErrors: true,
  });
  return sessionResponse.parse(await expectOK(res, 201)).session;
}

/**
 * Whom an access test tries: an owner with a running session (named `name`) and a stopped
 * `other` one, and a stopped `foreign` session in a stranger's workspace.
 */
export async function ownerAndForeignSessions(name: string) {
  const owner = await createStackUser();
  const session = await createSession(owner, { name });
  const other = await createSession(owner, { name: `${name}-other`, start: false });
  const foreign = await createSession(await createStackUser(), { name: `${name}-foreign`, start: false });
  return { owner, session, other, foreign };
}

export async function getSession(user: StackUser, id: string): Promise<SessionDetail> {
  return (await clientFor(user).call("GET /api/sessions/{sessionId}", { params: { sessionId: id }, schema: sessionDetailResponse }))
    .session;
}

export async function sessionAction(user: StackUser, id: string, action: "start" | "stop" | "restart"): Promise<Session> {
  const route = `POST /api/sessions/{sessionId}/${action}` as const;
  return (await clientFor(user).call(route, { params: { sessionId: id }, body: {}, schema: sessionResponse })).session;
}

/** Polls fn (sync or async) until it returns a truthy value; fails with the last value seen after the deadline. */
export async function until<T>(
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}
