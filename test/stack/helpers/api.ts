import { inject } from "vitest";
import { type Session, type SessionDetail, sessionDetailResponse, sessionResponse } from "../../../sdk/schemas/sessions";
import type { StackUser } from "./users";

export const baseURL = (): string => inject("baseURL");

/** A JSON call to the stack as a CLI would make it (bearer token, no CSRF). */
export async function api(user: StackUser | null, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { ...(user?.headers ?? {}) };
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${baseURL()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export async function expectOK(res: Response, status = 200): Promise<unknown> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function createSession(user: StackUser, body: Record<string, unknown>): Promise<Session> {
  return sessionResponse.parse(await expectOK(await api(user, "POST", "/api/sessions", body), 201)).session;
}

export async function getSession(user: StackUser, id: string): Promise<SessionDetail> {
  return sessionDetailResponse.parse(await expectOK(await api(user, "GET", `/api/sessions/${id}`))).session;
}

export async function sessionAction(user: StackUser, id: string, action: "start" | "stop" | "restart"): Promise<Session> {
  return sessionResponse.parse(await expectOK(await api(user, "POST", `/api/sessions/${id}/${action}`))).session;
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
