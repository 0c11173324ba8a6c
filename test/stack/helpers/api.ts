import { ApiClient } from "@burstflare/sdk/client";
import { type Session, type SessionDetail, sessionDetailResponse, sessionResponse } from "@burstflare/sdk/schemas/sessions";
import { inject } from "vitest";
import type { StackUser } from "./users";

export const baseURL = (): string => inject("baseURL");

/** The sdk client as a CLI would use it (bearer token, no CSRF), answers checked against their schemas. */
export function clientFor(user: StackUser | null): ApiClient {
  return new ApiClient({ baseURL: baseURL(), headers: () => ({ ...(user?.headers ?? {}) }), validate: true });
}

/**
 * A JSON call to the stack returning the Response whatever its status, for tests that assert
 * status codes and error bodies (including paths and ids that are deliberately wrong).
 */
export async function api(user: StackUser | null, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  return clientFor(user).raw(method, path, {
    body: body === undefined ? undefined : JSON.stringify(body),
    headers,
    acceptErrors: true,
  });
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

export async function getSession(user: StackUser, id: string): Promise<SessionDetail> {
  return (await clientFor(user).call("GET /api/sessions/{id}", { params: { id }, schema: sessionDetailResponse })).session;
}

export async function sessionAction(user: StackUser, id: string, action: "start" | "stop" | "restart"): Promise<Session> {
  const route = `POST /api/sessions/{id}/${action}` as const;
  return (await clientFor(user).call(route, { params: { id }, body: {}, schema: sessionResponse })).session;
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
