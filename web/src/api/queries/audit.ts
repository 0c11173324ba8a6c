import type { Query } from "@burstflare/sdk/client";
import type { AuditEntry } from "@burstflare/sdk/schemas/workspaces";
import { infiniteQueryOptions } from "@tanstack/react-query";
import { client, returns } from "../client";

export interface AuditFilters {
  action?: string;
  actor?: string;
  target?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
}

const PAGE_SIZE = 50;

function auditQueryString(filters: AuditFilters, cursor: string | null): Query {
  const q: Query = { limit: PAGE_SIZE };
  for (const [k, v] of Object.entries(filters)) {
    if (v !== undefined && v !== "") q[k] = v;
  }
  if (cursor) q.cursor = cursor;
  return q;
}

/** The audit log, newest first, one page per "load more". */
export const auditQuery = (filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: ["workspace", "audit", filters],
    queryFn: ({ pageParam }) =>
      client.call("GET /api/audit", {
        query: auditQueryString(filters, pageParam),
        returns: returns<{ entries: AuditEntry[]; nextCursor: string | null }>(),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
