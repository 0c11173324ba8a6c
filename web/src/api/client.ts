import { ApiClient, NetworkError, type Query, returns } from "@burstflare/sdk/client";
import { ApiError } from "@burstflare/sdk/errors";

export { ApiError, NetworkError, returns };

/** The double-submit CSRF token the server set as the `bf_csrf` cookie. */
export function csrfToken(): string | undefined {
  return document.cookie
    .split("; ")
    .find((c) => c.startsWith("bf_csrf="))
    ?.slice("bf_csrf=".length);
}

/** api/src/auth/origin-guard.ts wants the cookie's value echoed on every state-changing request. */
function csrfHeaders(method: string): Record<string, string> {
  if (method === "GET" || method === "HEAD") return {};
  const token = csrfToken();
  return token ? { "x-csrf-token": token } : {};
}

/**
 * The only place the SPA talks HTTP: sdk/client.ts's ApiClient, same-origin with the session
 * cookie. Errors come back as ApiError with the server's code (or NetworkError when the server
 * cannot be reached), so callers match on codes, never on message text. Answers are checked
 * against the caller's schema in the dev build and in tests only.
 */
export const client = new ApiClient({
  baseURL: "",
  credentials: "same-origin",
  headers: csrfHeaders,
  validate: import.meta.env.DEV,
  checkOnly: true,
});

type RawBody = string | Blob | ArrayBuffer | Uint8Array | FormData;

function isRawBody(body: unknown): body is RawBody {
  return (
    typeof body === "string" ||
    body instanceof Blob ||
    body instanceof ArrayBuffer ||
    body instanceof Uint8Array ||
    body instanceof FormData
  );
}

interface SendInit {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  query?: Query;
}

/**
 * Sends a request and returns the Response when it is 2xx; anything else becomes an ApiError.
 * For raw bodies (file contents) and non-JSON answers; JSON goes through `client.call`.
 */
export function send(method: string, path: string, body?: unknown, init: SendInit = {}): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  const raw = body === undefined || isRawBody(body);
  if (!raw) headers["content-type"] = "application/json";
  return client.raw(method, path, {
    body: body === undefined ? undefined : raw ? (body as BodyInit) : JSON.stringify(body),
    headers,
    signal: init.signal,
    query: init.query,
  });
}
