import { ApiError, isErrorBody } from "@burstflare/sdk/errors";
import type { AppBindings } from "../env";
import { boundedJSON, SMALL_ANSWER_BYTES } from "../lib/bounded-body";
import { sessionAgentFetch } from "../sessions/stub";
import type { FetchAgent } from "./store";

/** Codes the Session DO answers with itself (not running, runtime lost) rather than the agent. */
const DO_CODES = new Set(["invalid_state", "runtime_unavailable", "not_found"]);

/**
 * Reaches the agent of a running session for a user-initiated snapshot or restore, through the
 * session's Durable Object (which never wakes the session for it). The DO's own refusals are
 * re-thrown as ApiErrors so the caller answers 409 rather than a generic failure.
 */
export function runningAgent(env: AppBindings, sessionId: string): FetchAgent {
  const viaDO = sessionAgentFetch(env, sessionId);
  return async (path, init) => {
    const res = await viaDO(path, init);
    if (res.ok || !res.headers.get("content-type")?.includes("application/json")) return res;
    const body: unknown = await boundedJSON(res.clone(), SMALL_ANSWER_BYTES).catch(() => null);
    if (isErrorBody(body) && DO_CODES.has(body.error.code)) throw new ApiError(body.error.code, body.error.message);
    return res;
  };
}
