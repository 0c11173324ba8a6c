import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { flattenList, type SessionListFilters, sessionsQuery } from "../../api/queries/sessions";
import { useCan } from "../../api/queries/workspaces";
import { useWorkspaceSessionEvents } from "../../api/workspace-events";
import { queryStatus } from "../../components/states";
import { SessionsPageView } from "./SessionsPageView";
import { useNewSession } from "./use-new-session";

export function SessionsPage() {
  // Filters run on the server; one page at a time, more on demand; state changes are pushed.
  const [filters, setFilters] = useState<SessionListFilters>({});
  const query = useInfiniteQuery(sessionsQuery(filters));
  useWorkspaceSessionEvents();
  const canCreate = useCan("sessions.write");
  const canLifecycle = useCan("sessions.lifecycle");
  const newSession = useNewSession();

  return (
    <>
      <SessionsPageView
        sessions={flattenList(query.data)}
        {...queryStatus(query)}
        filters={filters}
        onFilters={setFilters}
        more={{ has: query.hasNextPage, loading: query.isFetchingNextPage, load: () => query.fetchNextPage() }}
        templateNames={newSession.templateNames}
        canCreate={canCreate}
        canLifecycle={canLifecycle}
        onNew={newSession.openDialog}
      />
      {newSession.dialog}
    </>
  );
}
