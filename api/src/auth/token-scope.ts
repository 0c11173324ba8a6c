import { ApiError } from "../../../sdk/errors";
import { TOKEN_SCOPES, type TokenScope } from "../../../sdk/schemas/automation";

/** What a scoped API token is limited to; null for every other credential. */
export interface TokenLimit {
  /** Null: any session of the token's workspace. */
  sessionId: string | null;
  scopes: TokenScope[];
}

export function parseTokenLimit(sessionId: string | null, scopes: string | null): TokenLimit | null {
  if (scopes === null) return null;
  const list = scopes.split(",").filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s));
  return { sessionId, scopes: list };
}

/**
 * The routes a scoped token reaches, by raw path (the session id is the first capture). Deny by
 * default: any other route, reads included, answers 403 to a scoped token, so a route added
 * later is never open to one by accident. Checked in authenticate(), which every credentialed
 * route goes through.
 */
const SCOPED_ROUTES: [RegExp, TokenScope][] = [
  [/^\/api\/sessions\/([^/]+)\/(?:exec|processes)(?:\/|$)/, "exec"],
  [/^\/runtime\/sessions\/([^/]+)\/files(?:\/|$)/, "files"],
];

/** The MCP endpoint's tools call the routes above in-process with the same token, so each is checked there. */
const SCOPE_CHECKED_INSIDE = new Set(["/api/mcp"]);

export function assertTokenScope(limit: TokenLimit | null, pathname: string): void {
  if (!limit || SCOPE_CHECKED_INSIDE.has(pathname)) return;
  for (const [pattern, scope] of SCOPED_ROUTES) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    if (!limit.scopes.includes(scope))
      throw new ApiError("forbidden", `this token's scopes (${limit.scopes.join(", ")}) do not include ${scope}`);
    if (limit.sessionId !== null && match[1] !== limit.sessionId)
      throw new ApiError("forbidden", "this token is limited to another session");
    return;
  }
  throw new ApiError("forbidden", "this token is limited to the exec and files routes of its session");
}
