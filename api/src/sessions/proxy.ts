import { ApiError } from "@burstflare/sdk/errors";
import { now } from "../lib/time";
import { agentRequestURL } from "../runtime-drivers/agent-url";
import { scheduleCheck } from "./awake";
import type { SessionCore } from "./core";
import { failLostRuntime, wakeSession } from "./lifecycle";

/**
 * Headers the Worker sets on requests it forwards to the Session DO. The runtime routes
 * strip any client-sent copies, so only the Worker can set them.
 */
export const INTERNAL_HEADERS = {
  sessionId: "x-bf-session-id",
  agentPath: "x-bf-agent-path",
  wake: "x-bf-wake",
  /** On the Session DO's own refusals (a quota, a deleted session): the Worker keeps their code whole. */
  refusal: "x-bf-refusal",
} as const;

const isRunning = (core: SessionCore) => core.current.state === "running" && core.current.runtime !== null;

/**
 * Hands a runtime request to the agent. The response, a WebSocket 101 included, is returned
 * as it is: frames never pass through JavaScript here (copying them costs far more than the hop).
 */
export async function proxyToAgent(core: SessionCore, request: Request, agentPath: string, wake: boolean): Promise<Response> {
  // Checked first: a refused path is the caller's 400, never a wake-up or a lost runtime.
  agentRequestURL("http://agent.invalid/", agentPath);
  if (!isRunning(core)) {
    // Wait for an operation in flight (a start, a sleep) and then, if asked, wake the session.
    await core.exclusive(async () => {
      if (wake) await wakeSession(core);
    });
    // A wake re-arms the idle, autosave and health checks (the alarm stopped when it slept), as a
    // start through the lifecycle RPC does; without it a woken session never slept again.
    if (wake && isRunning(core)) await scheduleCheck(core, now() + 1000);
  }
  const info = core.current.runtime;
  if (!isRunning(core) || !info) {
    throw new ApiError("invalid_state", `session is ${core.current.state}; start it first`);
  }
  const forwarded = new Request(request);
  for (const h of Object.values(INTERNAL_HEADERS)) forwarded.headers.delete(h);
  try {
    return unmarked(await core.driver.fetchAgent(info, agentPath, forwarded));
  } catch (err) {
    void core.exclusive(() => failLostRuntime(core, `runtime agent unreachable: ${String(err)}`)).catch(() => {});
    throw new ApiError("runtime_unavailable", "the session's runtime is not reachable");
  }
}

/** An agent's answer never passes for the Session DO's own refusal: the DO's mark is dropped from it. */
export function unmarked(answer: Response): Response {
  if (answer.status === 101 || !answer.headers.has(INTERNAL_HEADERS.refusal)) return answer;
  const stripped = new Response(answer.body, answer);
  stripped.headers.delete(INTERNAL_HEADERS.refusal);
  return stripped;
}
