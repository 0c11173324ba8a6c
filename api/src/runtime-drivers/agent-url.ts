import { ApiError } from "@burstflare/sdk/errors";
import { AGENT_TOKEN_HEADER } from "@burstflare/sdk/protocol/runtime-host";

/**
 * The agent URL for an agent path. The path must reach the agent as it was routed: one leading
 * slash (`//host` would be another host), and nothing URL parsing would rewrite (dot segments,
 * backslashes), so the agent routes on exactly the path the control plane chose.
 */
export function agentRequestURL(agentURL: string, path: string): URL {
  if (!path.startsWith("/") || path.startsWith("//")) throw new ApiError("bad_request", "agent paths start with a single /");
  const url = new URL(path, agentURL);
  const query = path.indexOf("?");
  if (url.pathname !== (query < 0 ? path : path.slice(0, query))) {
    throw new ApiError("bad_request", "the agent path would be rewritten by URL parsing");
  }
  return url;
}

/**
 * The request a driver sends to an agent. Never one that follows redirects: the agent shares its
 * uid with the session's code, which can answer in its place, and a redirect once sent the Worker
 * (health checks, snapshots) to any address it reaches, the machine's loopback and other runtimes
 * included. A 3xx is handed to the caller as an answer like any other.
 */
export function agentRequest(agentURL: string, path: string, init: Request | RequestInit, agentToken: string): Request {
  const request = new Request(new Request(agentRequestURL(agentURL, path), init), { redirect: "manual" });
  request.headers.set(AGENT_TOKEN_HEADER, agentToken);
  return request;
}
