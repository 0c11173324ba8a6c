import { ApiError } from "@burstflare/sdk/errors";

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
