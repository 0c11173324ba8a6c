import type { Context } from "hono";
import { ApiError, type ErrorCode, errorStatus } from "../../../sdk/errors";
import type { AppEnv } from "../env";
import { sessionDORequest, sessionStub } from "./stub";

/**
 * A JSON or streaming call to a session's agent on behalf of a user (exec, processes), through
 * the same Session DO path as the runtime routes: it wakes a sleeping session and answers 409
 * invalid_state when the session cannot run. Agent errors come back as the caller's ApiError.
 */
export async function callAgent(c: Context<AppEnv>, sessionId: string, agentPath: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  const request = new Request("https://agent.invalid/", { ...init, headers, signal: c.req.raw.signal });
  const res = await sessionStub(c.env, sessionId).fetch(sessionDORequest(sessionId, "/runtime", request, { agentPath, wake: true }));
  if (!res.ok) throw await agentError(res);
  return res;
}

export async function agentJSON<T>(c: Context<AppEnv>, sessionId: string, agentPath: string, init: RequestInit = {}): Promise<T> {
  return (await (await callAgent(c, sessionId, agentPath, init)).json()) as T;
}

async function agentError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  const code = body?.error?.code;
  if (code && Object.hasOwn(errorStatus, code))
    return new ApiError(code as ErrorCode, body?.error?.message ?? `runtime answered ${res.status}`);
  return new ApiError("runtime_unavailable", `runtime answered ${res.status}`);
}

/** Splits an NDJSON body into parsed lines. */
export async function* ndjsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield JSON.parse(line);
      newline = buffered.indexOf("\n");
    }
  }
  const rest = (buffered + decoder.decode()).trim();
  if (rest) yield JSON.parse(rest);
}
