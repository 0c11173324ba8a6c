import { ApiError, type ErrorCode, isErrorBody } from "../../../sdk/errors";

export { ApiError };

function csrfToken(): string | undefined {
  return document.cookie
    .split("; ")
    .find((c) => c.startsWith("bf_csrf="))
    ?.slice("bf_csrf=".length);
}

/**
 * The only place the SPA talks HTTP. Errors always come back as ApiError with the
 * server's code, so callers match on codes, never on message text.
 */
export async function request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof FormData)) headers.set("content-type", "application/json");
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
      body: body === undefined ? undefined : body instanceof Blob ? body : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError("runtime_unavailable" as ErrorCode, `network error: ${String(err)}`);
  }
  const text = await res.text();
  const data: unknown = text ? safeJSON(text) : undefined;
  if (!res.ok) {
    if (isErrorBody(data)) throw new ApiError(data.error.code, data.error.message, { details: data.error.details });
    throw new ApiError(res.status >= 500 ? "internal" : "bad_request", `HTTP ${res.status}`);
  }
  return data as T;
}

function safeJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const api = {
  get: <T>(path: string) => request<T>("GET", path),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>("PUT", path, body),
  patch: <T>(path: string, body?: unknown) => request<T>("PATCH", path, body),
  delete: <T>(path: string) => request<T>("DELETE", path),
};
