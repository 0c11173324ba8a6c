import { ApiError } from "@burstflare/sdk/errors";
import { TOKEN_SCOPES, type TokenScope } from "@burstflare/sdk/schemas/automation";

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
 * The routes a scoped token reaches, by method and raw path (the session id is the first
 * capture), and the scope each needs (null: any scope). Deny by default: any other route, reads
 * included, answers 403 to a scoped token, so a route added later is never open to one by
 * accident. Checked in authenticate(), which every credentialed route goes through. SSH counts as
 * exec: it runs commands in the session, as exec does.
 *
 * The session id is matched by the id's own characters only: the router decodes percent-escapes
 * of unreserved characters (`/api/sessions/%65vents` is routed as `/api/sessions/events`), so an
 * escaped segment must never pass here as an id, and `events` (the workspace's session list
 * stream, a route of its own) is no session id.
 */
/** A session id: its own characters only (never an escape), and not the `events` route's word. */
const SID = `(?!events(?:/|$))([A-Za-z0-9_-]+)`;
const path = (tail: string): RegExp => new RegExp(`^/api/sessions/${SID}${tail}`);

const SCOPED_ROUTES: { methods: string[]; pattern: RegExp; scope: TokenScope | null }[] = [
  { methods: ["GET", "POST", "DELETE"], pattern: path(`/(?:exec|processes)(?:/|$)`), scope: "exec" },
  { methods: ["POST"], pattern: path("/ssh-token$"), scope: "exec" },
  // Its own session's state: what a client needs to wait for it or to connect.
  { methods: ["GET"], pattern: path("$"), scope: null },
  {
    methods: ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"],
    pattern: new RegExp(`^/runtime/sessions/${SID}/files(?:/|$)`),
    scope: "files",
  },
  { methods: ["POST"], pattern: path("/files/batch$"), scope: "files" },
  { methods: ["GET", "PUT"], pattern: path("/files/archive$"), scope: "files" },
  { methods: ["GET"], pattern: path("/files/watch$"), scope: "files" },
];

/** The MCP endpoint's tools call the routes above in-process with the same token, so each is checked there. */
const SCOPE_CHECKED_INSIDE = new Set(["/api/mcp"]);

export function assertTokenScope(limit: TokenLimit | null, method: string, pathname: string): void {
  if (!limit || SCOPE_CHECKED_INSIDE.has(pathname)) return;
  for (const route of SCOPED_ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match || !route.methods.includes(method)) continue;
    if (route.scope && !limit.scopes.includes(route.scope)) {
      throw new ApiError("token_not_allowed", `this token's scopes (${limit.scopes.join(", ")}) do not include ${route.scope}`);
    }
    if (limit.sessionId !== null && match[1] !== limit.sessionId) {
      throw new ApiError("token_not_allowed", "this token is limited to another session");
    }
    return;
  }
  throw new ApiError("token_not_allowed", "this token is limited to the exec, SSH and files routes of its session");
}
