import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { flattenList, type SessionListFilters, sessionsQuery, suggestSessionName, useCreateSession } from "../../api/queries/sessions";
import { useCan } from "../../api/queries/workspaces";
import { useWorkspaceSessionEvents } from "../../api/workspace-events";
import { errorLine } from "../../components/states";
import { NewSessionDialog } from "./NewSessionDialog";
import { SessionsPageView } from "./SessionsPageView";
import { useTemplateChoices } from "./use-template-choices";

export function SessionsPage() {
  // Filters run on the server; one page at a time, more on demand; state changes are pushed.
  const [filters, setFilters] = useState<SessionListFilters>({});
  const query = useInfiniteQuery(sessionsQuery(filters));
  useWorkspaceSessionEvents();
  const canCreate = useCan("sessions.write");
  const canLifecycle = useCan("sessions.lifecycle");
  const templates = useTemplateChoices();
  const create = useCreateSession();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [defaultName, setDefaultName] = useState(suggestSessionName);

  return (
    <>
      <SessionsPageView
        sessions={flattenList(query.data)}
        loading={query.isPending}
        filters={filters}
        onFilters={setFilters}
        more={{ has: query.hasNextPage, loading: query.isFetchingNextPage, load: () => query.fetchNextPage() }}
        error={query.error}
        templateNames={templates.names}
        canCreate={canCreate}
        canLifecycle={canLifecycle}
        onNew={() => {
          setDefaultName(suggestSessionName());
          create.reset();
          setOpen(true);
        }}
        onRetry={() => query.refetch()}
      />
      <NewSessionDialog
        open={open}
        templates={templates.choices}
        defaultName={defaultName}
        busy={create.isPending}
        error={create.error ? errorLine(create.error) : null}
        onCancel={() => setOpen(false)}
        onCreate={(input) =>
          create.mutate(
            { ...input, start: false },
            {
              onSuccess: (session) => {
                setOpen(false);
                navigate(`/sessions/${session.id}/workbench`);
              },
            },
          )
        }
      />
    </>
  );
}
