import { ApiError, type ErrorCode, isErrorBody } from "../../../sdk/errors";

export { ApiError };

function csrfToken(): string | undefined {
  return document.cookie
    .split("; ")
    .find((c) => c.startsWith("bf_csrf="))
    ?.slice("bf_csrf=".length);
}

/** Status → code for answers without an error body (a proxy's 502, a plain-text 404). */
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
