import { ApiError, type ErrorCode, errorStatus } from "@burstflare/sdk/errors";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { AnswerTooLong, boundedJSON, SMALL_ANSWER_BYTES } from "../lib/bounded-body";
import { credentialOf, setPrincipal } from "./connections";
import { INTERNAL_HEADERS } from "./proxy";
import { sessionDORequest, sessionStub } from "./stub";

/**
 * A JSON or streaming call to a session's agent on behalf of a user (exec, processes), through
 * the same Session DO path as the runtime routes: it wakes a sleeping session and answers 409
 * invalid_state when the session cannot run. Agent errors come back as the caller's ApiError.
 * The call names its principal, so revoking the caller's credential or access ends the command
 * or background process it started.
 */
export async function callAgent(c: Context<AppEnv>, sessionId: string, agentPath: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  const request = new Request("https://agent.invalid/", { ...init, headers, signal: c.req.raw.signal });
  const auth = c.get("auth");
  if (auth) setPrincipal(request, { userId: auth.userId, credential: credentialOf(auth) });
  const res = await sessionStub(c.env, sessionId).fetch(sessionDORequest(sessionId, "/runtime", request, { agentPath, wake: true }));
  if (!res.ok) throw await agentError(res);
  return res;
}

/** A batch of file reads (8 MiB, base64) or a list of 10,000 entries fits. */
const AGENT_JSON_BYTES = 32 * 1024 * 1024;

export async function agentJSON<T>(c: Context<AppEnv>, sessionId: string, agentPath: string, init: RequestInit = {}): Promise<T> {
  return readAgentJSON<T>(await callAgent(c, sessionId, agentPath, init));
}

/** An answer over the bound was asked for (413: ask for less at a time); an unreadable one is the runtime's fault (503). */
export async function readAgentJSON<T>(res: Response): Promise<T> {
  try {
    return (await boundedJSON(res, AGENT_JSON_BYTES)) as T;
  } catch (err) {
    if (err instanceof AnswerTooLong)
      throw new ApiError(
        "payload_too_large",
        `the answer is over ${AGENT_JSON_BYTES / 1024 / 1024} MiB; ask for fewer or smaller files at a time`,
      );
    throw new ApiError("runtime_unavailable", `the runtime's answer was not readable: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Codes an agent or the Session DO refuses with. The session's code may stand in for the agent (on
 * the containers driver its shells are root beside it): an agent may not speak for the caller's credentials (`unauthorized`,
 * `token_reused`, `csrf_failed`…, which tell a client its sign-in is gone) or quotas.
 */
const AGENT_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "bad_request",
  "validation_failed",
  "payload_too_large",
  "forbidden",
  "not_found",
  "conflict",
  "invalid_state",
  "gone",
  "unsafe_archive",
  "checksum_mismatch",
  "rate_limited",
  "runtime_unavailable",
]);

/**
 * The caller's error for a refusal on the way to an agent: the Session DO's own (a quota when a
 * wake found no free slot, a deleted session) keeps its code and details; an agent's keeps its code
 * only when an agent may say it, else it is runtime_unavailable.
 */
export async function agentError(res: Response): Promise<ApiError> {
  const body = (await boundedJSON(res, SMALL_ANSWER_BYTES).catch(() => null)) as {
    error?: { code?: string; message?: string; details?: unknown };
  } | null;
  const code = body?.error?.code;
  const message = body?.error?.message ?? `runtime answered ${res.status}`;
  if (code && res.headers.get(INTERNAL_HEADERS.refusal) === "session" && code in errorStatus)
    return new ApiError(code as ErrorCode, message, { details: body?.error?.details });
  if (code && AGENT_CODES.has(code)) return new ApiError(code as ErrorCode, message);
  return new ApiError("runtime_unavailable", `runtime answered ${res.status}`);
}
