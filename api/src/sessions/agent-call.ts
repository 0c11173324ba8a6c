import { ApiError, type ErrorCode, errorStatus } from "@burstflare/sdk/errors";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { credentialOf, setPrincipal } from "./connections";
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

export async function agentJSON<T>(c: Context<AppEnv>, sessionId: string, agentPath: string, init: RequestInit = {}): Promise<T> {
  return (await (await callAgent(c, sessionId, agentPath, init)).json()) as T;
}

/** The caller's error for an agent's (or the Session DO's) refusal: its own code when it is one of ours, else runtime_unavailable. */
export async function agentError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const code = body?.error?.code;
  if (code && Object.hasOwn(errorStatus, code))
    return new ApiError(code as ErrorCode, body?.error?.message ?? `runtime answered ${res.status}`);
  return new ApiError("runtime_unavailable", `runtime answered ${res.status}`);
}
