import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../../api/client";
import { type AuditFilters, auditQuery } from "../../api/queries/audit";
import { membersQuery, useCan, useRole } from "../../api/queries/workspaces";
import { AuditPageView } from "./AuditPageView";

export function AuditPage() {
  const role = useRole();
  const canRead = useCan("audit.read");
  const [filters, setFilters] = useState<AuditFilters>({});
  const query = useInfiniteQuery({ ...auditQuery(filters), enabled: canRead });
  const members = useQuery({ ...membersQuery(), enabled: canRead });
  const forbidden = role !== undefined && !canRead ? new ApiError("forbidden", `your role (${role}) cannot read the audit log`) : null;

  return (
    <AuditPageView
      entries={query.data?.pages.flatMap((p) => p.entries)}
      loading={role === undefined || (canRead && query.isPending)}
      error={forbidden ?? query.error}
      members={members.data}
      filters={filters}
      onFilters={setFilters}
      hasMore={query.hasNextPage}
      loadingMore={query.isFetchingNextPage}
      onMore={() => query.fetchNextPage()}
    />
  );
}
