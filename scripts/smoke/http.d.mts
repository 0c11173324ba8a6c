import type { RouteKey } from "@burstflare/sdk/client";
import type { ZodType } from "zod";
import type { ScriptClient } from "../lib/api-client.mjs";

export class SmokeError extends Error {
  constructor(message: string, opts?: { status?: number; code?: string });
  status?: number;
  code?: string;
}

interface SmokeCallOptions {
  params?: Record<string, string | number>;
  body?: unknown;
  /** Overrides the route's schema from the constructor's `schemas`. */
  schema?: ZodType;
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
}

/** JSON client that acts like the SPA (cookies, CSRF, Origin) until it has a token. */
export class SmokeClient {
  constructor(baseURL: string, opts?: { token?: string; timeoutMs?: number; schemas?: Partial<Record<RouteKey, ZodType>> });
  baseURL: string;
  token: string | null;
  cookies: Map<string, string>;
  /** The sdk client underneath (cookie jar, CSRF and Origin headers added per request). */
  client: ScriptClient;
  readonly origin: string;
  headers(extra?: Record<string, string>): Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are parsed by the caller
  call(route: RouteKey, opts?: SmokeCallOptions): Promise<any>;
  callRaw(route: RouteKey, opts?: Omit<SmokeCallOptions, "query">): Promise<Response>;
  raw(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string> }): Promise<Response>;
}

export function until<T>(fn: () => Promise<T> | T, what: string, timeoutMs: number, intervalMs?: number): Promise<T>;
