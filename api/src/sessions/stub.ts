import { ApiError, type ErrorCode } from "@burstflare/sdk/errors";
import type { AppBindings } from "../env";
import type { FetchAgent } from "../snapshots/store";
import { INTERNAL_HEADERS } from "./proxy";

/** The session's Durable Object: one per session id. */
export function sessionStub(env: AppBindings, sessionId: string) {
  return env.SESSION.get(env.SESSION.idFromName(sessionId));
}

const DO_ORIGIN = "https://session.internal";

/** Builds the request the Worker sends to the session DO; `init` may be the user's request (body and upgrade pass through). */
export function sessionDORequest(
  sessionId: string,
  endpoint: "/events" | "/runtime" | "/agent",
  init: Request | RequestInit,
  extra: { agentPath?: string; wake?: boolean } = {},
): Request {
  // Manual: an agent's redirect comes back as an answer, never followed back into the DO.
  const request = new Request(new Request(`${DO_ORIGIN}${endpoint}`, init), { redirect: "manual" });
  request.headers.set(INTERNAL_HEADERS.sessionId, sessionId);
  if (extra.agentPath) request.headers.set(INTERNAL_HEADERS.agentPath, extra.agentPath);
  if (extra.wake) request.headers.set(INTERNAL_HEADERS.wake, "1");
  return request;
}

/**
 * Reaches a running session's agent from the control plane (snapshots, restore): through the
 * session DO, which never wakes the session for it and answers 409 invalid_state when not running.
 */
export function sessionAgentFetch(env: AppBindings, sessionId: string): FetchAgent {
  return (path, init) => sessionStub(env, sessionId).fetch(sessionDORequest(sessionId, "/agent", init, { agentPath: path }));
}

/** Unwraps a Session DO RPC result, re-throwing its ApiError. */
export function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } }): T {
  if (!result.ok) throw new ApiError(result.error.code, result.error.message);
  return result.value;
}
