import type { ApiClient } from "./client";
import { SESSION_PAGE_MAX, type Session, type SessionListResponse, sessionListResponse } from "./schemas/sessions";

/**
 * Listing sessions, written once for every caller of the API (CLI, stack tests, bench): one
 * filtered page, or every page when a caller really needs them all.
 */

/** Server-side filters of GET /api/sessions (see sdk/schemas/sessions.ts sessionListQuery). */
export interface SessionListFilters {
  state?: string;
  templateId?: string;
  owner?: string;
  name?: string;
  q?: string;
}

/** One page of sessions (newest first), filtered by the server: what `flare session list` shows. */
export function listSessionPage(
  client: ApiClient,
  opts: SessionListFilters & { limit?: number; cursor?: string | null } = {},
): Promise<SessionListResponse> {
  const query: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(opts)) {
    if (value !== undefined && value !== null && value !== "") query[key] = value;
  }
  return client.call("GET /api/sessions", { query, schema: sessionListResponse });
}

/**
 * Every session matching `filters`, page after page. Only for callers that need them all
 * (`flare config-ssh` writes one host per session); others ask for one page or one name.
 */
export async function listAllSessions(client: ApiClient, filters: SessionListFilters = {}): Promise<Session[]> {
  const all: Session[] = [];
  let cursor: string | null = null;
  do {
    const page: SessionListResponse = await listSessionPage(client, { ...filters, limit: SESSION_PAGE_MAX, cursor });
    all.push(...page.sessions);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}
