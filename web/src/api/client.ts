import { codeForStatus } from "../../../sdk/client";
import { ApiError, isErrorBody } from "../../../sdk/errors";

export { ApiError };

/** The double-submit CSRF token the server set as the `bf_csrf` cookie. */
export function csrfToken(): string | undefined {
  return document.cookie
    .split("; ")
    .find((c) => c.startsWith("bf_csrf="))
    ?.slice("bf_csrf=".length);
}

type RawBody = string | Blob | ArrayBuffer | Uint8Array;

function isRawBody(body: unknown): body is RawBody {
  return typeof body === "string" || body instanceof Blob || body instanceof ArrayBuffer || body instanceof Uint8Array;
}

/**
 * Sends a request and returns the Response when it is 2xx; anything else becomes an ApiError.
 * Used directly for raw bodies (file contents); `request` builds on it for JSON.
 */
export async function send(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const raw = body === undefined || body instanceof FormData || isRawBody(body);
  if (body !== undefined && !raw) headers.set("content-type", "application/json");
  if (method !== "GET" && method !== "HEAD") {
    const token = csrfToken();
    if (token) headers.set("x-csrf-token", token);
  }
  let res: Response;
  try {
    res = await fetch(path, {
      ...init,
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : raw ? (body as BodyInit) : JSON.stringify(body),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError("runtime_unavailable", `network error: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => "");
    const data = text ? safeJSON(text) : undefined;
    if (isErrorBody(data)) throw new ApiError(data.error.code, data.error.message, { details: data.error.details });
    throw new ApiError(codeForStatus(res.status), `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
  }
  return res;
}

/**
 * The only place the SPA talks HTTP. Errors always come back as ApiError with the
 * server's code, so callers match on codes, never on message text.
 */
export async function request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  const res = await send(method, path, body, init);
  const text = await res.text();
  return (text ? safeJSON(text) : undefined) as T;
}

function safeJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const api = {
  get: <T>(path: string, init?: RequestInit) => request<T>("GET", path, undefined, init),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>("PUT", path, body),
  patch: <T>(path: string, body?: unknown) => request<T>("PATCH", path, body),
  delete: <T>(path: string) => request<T>("DELETE", path),
};
