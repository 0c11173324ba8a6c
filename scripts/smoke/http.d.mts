export class SmokeError extends Error {
  constructor(message: string, opts?: { status?: number; code?: string });
  status?: number;
  code?: string;
}

/** JSON client that acts like the SPA (cookies, CSRF, Origin) until it has a token. */
export class SmokeClient {
  constructor(baseURL: string, opts?: { token?: string; timeoutMs?: number });
  baseURL: string;
  token: string | null;
  cookies: Map<string, string>;
  /** The sdk client underneath (cookie jar, CSRF and Origin headers added per request). */
  client: import("@burstflare/sdk/client").ApiClient;
  readonly origin: string;
  raw(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are parsed by the caller
  json(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string> }): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  get(path: string): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  post(path: string, body?: unknown): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  delete(path: string): Promise<any>;
}

export function until<T>(fn: () => Promise<T> | T, what: string, timeoutMs: number, intervalMs?: number): Promise<T>;
