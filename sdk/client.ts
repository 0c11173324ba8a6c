import type { z } from "zod";
import type { RouteKey } from "./api-routes";
import { ApiError, type ErrorCode, ErrorCode as ErrorCodes, isErrorBody } from "./errors.ts";

export type { RouteKey } from "./api-routes";

/**
 * A typed client for the BurstFlare API over fetch. It knows paths, bearer auth, error bodies and
 * one transparent refresh; callers pass the response schema from sdk/schemas. Every non-2xx answer
 * becomes an ApiError carrying the server's code, so callers match codes, never messages.
 */

export interface TokenSource {
  /** The bearer token for the next request, or null to go unauthenticated. */
  getToken(): Promise<string | null>;
  /** Called once after a 401; returns a fresh token (refresh flow) or null to give up. */
  refresh?(rejected: string): Promise<string | null>;
}

/** fetch's `credentials` (spelled out: the Workers types used by api/ have no RequestCredentials). */
export type Credentials = "omit" | "same-origin" | "include";

export interface ClientOptions {
  baseURL: string;
  tokens?: TokenSource;
  fetch?: typeof fetch;
  userAgent?: string;
  /**
   * Whether a caller-given response schema is enforced (a mismatch throws an ApiError naming the
   * route). Default true; the SPA turns it on only in its dev build and tests.
   */
  validate?: boolean;
  /**
   * Return the answer as sent even when the schema checked it (zod would strip unknown keys), so
   * the SPA's dev build, which validates, hands components what production does.
   */
  checkOnly?: boolean;
  /** The browser's cookie mode; the SPA sends its session cookie same-origin. */
  credentials?: Credentials;
  /** Extra headers per request (the SPA's double-submit CSRF header on mutations). */
  headers?: (method: string) => Record<string, string>;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

declare const answerType: unique symbol;
/** Names an answer's type where no schema is at hand; checks nothing at run time. */
export interface Returns<T> {
  readonly [answerType]?: T;
}
/** `client.call("GET /api/health", { returns: returns<Health>() })`. */
export function returns<T>(): Returns<T> {
  return {};
}

export interface RequestOptions<T> {
  body?: unknown;
  query?: Query;
  /** Parses the JSON answer (when the client validates); without it the answer is unknown JSON. */
  schema?: z.ZodType<T>;
  /** The answer's type when there is no schema (see `returns`). */
  returns?: Returns<T>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** false sends no Authorization header (device start/exchange, refresh, health). */
  auth?: boolean;
}

export interface RawRequestOptions {
  body?: RequestInit["body"];
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  auth?: boolean;
  /** Needed by fetch for streaming request bodies. */
  duplex?: "half";
  /** Return non-2xx answers as they are instead of throwing (tests asserting status codes). */
  acceptErrors?: boolean;
}

/** The `{name}` placeholders of a route key: `"GET /api/sessions/{sessionId}"` → `"sessionId"`. */
export type RouteParams<K extends string> = K extends `${string}{${infer P}}${infer Rest}` ? P | RouteParams<Rest> : never;

type ParamsOption<K extends string> = [RouteParams<K>] extends [never]
  ? { params?: undefined }
  : { params: Record<RouteParams<K>, string | number> };

/** Options of `call`: `params` is required exactly when the route has placeholders. */
export type CallOptions<K extends RouteKey, T> = RequestOptions<T> & ParamsOption<K>;
export type RawCallOptions<K extends RouteKey> = RawRequestOptions & ParamsOption<K>;

type OptsArg<K extends RouteKey, O> = [RouteParams<K>] extends [never] ? [opts?: O] : [opts: O];

/** Splits a route key into its method and the path with every placeholder URL-encoded. */
export function routePath(route: RouteKey, params?: Record<string, string | number>): { method: string; path: string } {
  const space = route.indexOf(" ");
  const method = route.slice(0, space);
  const path = route.slice(space + 1).replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${route}: missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  return { method, path };
}

/** The server could not be reached at all (nothing listening, DNS, TLS). */
export class NetworkError extends Error {
  readonly code = "network_error" as const;
  readonly url: string;
  constructor(url: string, cause: unknown) {
    super(
      `cannot reach ${url}: ${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}`,
    );
    this.name = "NetworkError";
    this.url = url;
  }
}

/** A base URL of "" keeps paths relative: the browser resolves them against its own origin. */
const RELATIVE_BASE = "http://relative.invalid";

/** Status → code for answers that carry no error body (a proxy's 502, a plain-text 404). */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 410) return "gone";
  if (status === 413) return "payload_too_large";
  if (status === 429) return "rate_limited";
  if (status === 502 || status === 503 || status === 504) return "runtime_unavailable";
  if (status >= 400 && status < 500) return "bad_request";
  return "internal";
}

/** Turns a non-2xx Response into the ApiError the server meant. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {}
  if (isErrorBody(body)) {
    const code = (body.error.code in ErrorCodes ? body.error.code : codeForStatus(res.status)) as ErrorCode;
    return new ApiError(code, body.error.message, { details: body.error.details });
  }
  const snippet = text.trim().slice(0, 200);
  return new ApiError(codeForStatus(res.status), `HTTP ${res.status}${snippet ? `: ${snippet}` : ""}`);
}

export class ApiClient {
  readonly baseURL: string;
  private readonly tokens?: TokenSource;
  private readonly fetchImpl: typeof fetch;
  private readonly userAgent?: string;
  private readonly validate: boolean;
  private readonly checkOnly: boolean;

  private readonly credentials?: Credentials;
  private readonly extraHeaders?: (method: string) => Record<string, string>;

  constructor(opts: ClientOptions) {
    this.validate = opts.validate ?? true;
    this.checkOnly = opts.checkOnly ?? false;
    this.credentials = opts.credentials;
    this.extraHeaders = opts.headers;
    this.baseURL = opts.baseURL.replace(/\/+$/, "");
    this.tokens = opts.tokens;
    this.fetchImpl = opts.fetch ?? ((input, init) => fetch(input, init));
    this.userAgent = opts.userAgent;
  }

  /** Absolute URL for an API path (or a server-given absolute URL, returned as is). */
  url(pathOrURL: string, query?: Query): string {
    const absolute = /^https?:\/\//.test(pathOrURL);
    const joined = absolute ? pathOrURL : `${this.baseURL}${pathOrURL.startsWith("/") ? "" : "/"}${pathOrURL}`;
    const url = new URL(joined, RELATIVE_BASE);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    }
    return !absolute && !this.baseURL ? `${url.pathname}${url.search}${url.hash}` : url.toString();
  }

  /** The token the next request would carry (for WebSocket upgrades made outside fetch). */
  async token(): Promise<string | null> {
    return (await this.tokens?.getToken()) ?? null;
  }

  /** A request whose Response is returned as is on 2xx; non-2xx throws ApiError. */
  async raw(method: string, path: string, opts: RawRequestOptions = {}): Promise<Response> {
    const url = this.url(path, opts.query);
    const send = async (token: string | null): Promise<Response> => {
      const headers: Record<string, string> = { ...this.extraHeaders?.(method), ...opts.headers };
      if (token) headers.authorization = `Bearer ${token}`;
      if (this.userAgent) headers["user-agent"] = this.userAgent;
      const init: RequestInit & { duplex?: "half"; credentials?: Credentials } = {
        method,
        headers,
        body: opts.body ?? null,
        signal: opts.signal,
      };
      if (opts.duplex) init.duplex = opts.duplex;
      if (this.credentials) init.credentials = this.credentials;
      try {
        return await this.fetchImpl(url, init);
      } catch (err) {
        // An abort is the caller's doing (React Query cancelling), not an unreachable server.
        if (opts.signal?.aborted || (err as { name?: unknown } | null)?.name === "AbortError") throw err;
        throw new NetworkError(this.baseURL || "the server", err);
      }
    };
    const useAuth = opts.auth !== false && this.tokens !== undefined;
    const token = useAuth ? await this.tokens!.getToken() : null;
    let res = await send(token);
    // A streamed body cannot be sent twice, so only replayable bodies get the refresh-and-retry.
    const replayable = !(opts.body instanceof ReadableStream);
    if (res.status === 401 && token && replayable && this.tokens?.refresh) {
      const fresh = await this.tokens.refresh(token);
      if (fresh && fresh !== token) {
        await res.body?.cancel();
        res = await send(fresh);
      }
    }
    if (!res.ok && !opts.acceptErrors) throw await errorFromResponse(res);
    return res;
  }

  /** A JSON request; the answer is parsed with opts.schema when given. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions<T> = {}): Promise<T> {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    const res = await this.raw(method, path, { body, query: opts.query, headers, signal: opts.signal, auth: opts.auth });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : null;
    if (!opts.schema || !this.validate) return json as T;
    const parsed = opts.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
      throw new ApiError("internal", `unexpected answer from ${method} ${path}${where}: ${issue?.message ?? "invalid"}`);
    }
    return this.checkOnly ? (json as T) : parsed.data;
  }

  /**
   * A JSON request to a route of the OpenAPI document (sdk/api-routes.ts), so a typo or a removed
   * route fails to compile: `client.call("GET /api/sessions/{sessionId}", { params: { sessionId }, schema })`.
   */
  call<K extends RouteKey, T = unknown>(route: K, ...[opts]: OptsArg<K, CallOptions<K, T>>): Promise<T> {
    const { params, returns: _type, ...rest } = (opts ?? {}) as CallOptions<K, T>;
    const { method, path } = routePath(route, params);
    return this.request<T>(method, path, rest);
  }

  /** `raw` for a route key: the Response as is on 2xx (downloads, streams, non-JSON bodies). */
  callRaw<K extends RouteKey>(route: K, ...[opts]: OptsArg<K, RawCallOptions<K>>): Promise<Response> {
    const { params, ...rest } = (opts ?? {}) as RawCallOptions<K>;
    const { method, path } = routePath(route, params);
    return this.raw(method, path, rest);
  }

  get<T = unknown>(path: string, opts?: RequestOptions<T>): Promise<T> {
    return this.request("GET", path, opts);
  }
  post<T = unknown>(path: string, body?: unknown, opts?: RequestOptions<T>): Promise<T> {
    return this.request("POST", path, { ...opts, body: body ?? {} });
  }
  patch<T = unknown>(path: string, body?: unknown, opts?: RequestOptions<T>): Promise<T> {
    return this.request("PATCH", path, { ...opts, body: body ?? {} });
  }
  delete<T = unknown>(path: string, opts?: RequestOptions<T>): Promise<T> {
    return this.request("DELETE", path, opts);
  }
}

/** Builds a path with every dynamic segment URL-encoded: `path\`/api/sessions/${id}\``. */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ""), "");
}
