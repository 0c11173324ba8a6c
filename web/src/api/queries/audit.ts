import { infiniteQueryOptions } from "@tanstack/react-query";
import type { AuditEntry } from "../../../../sdk/schemas/workspaces";
import { api } from "../client";

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

function auditURL(filters: AuditFilters, cursor: string | null): string {
  const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
  for (const [k, v] of Object.entries(filters)) {
    if (v !== undefined && v !== "") q.set(k, String(v));
  }
  if (cursor) q.set("cursor", cursor);
  return `/api/audit?${q}`;
}

/** The audit log, newest first, one page per "load more". */
export const auditQuery = (filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: ["workspace", "audit", filters],
    queryFn: ({ pageParam }) => api.get<{ entries: AuditEntry[]; nextCursor: string | null }>(auditURL(filters, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
