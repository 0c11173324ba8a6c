import { useInfiniteQuery, useQueries, useQuery } from "@tanstack/react-query";
import { meQuery } from "../../api/queries/auth";
import { buildsQuery } from "../../api/queries/builds";
import { flattenList, sessionsQuery, suggestSessionName } from "../../api/queries/sessions";
import { useIntent } from "../../api/queries/shares";
import { snapshotsQuery } from "../../api/queries/snapshots";
import { templatesQuery } from "../../api/queries/templates";
import { planQuery, useCan } from "../../api/queries/workspaces";
import { useWorkspaceSessionEvents } from "../../api/workspace-events";
import { useNewSession } from "../SessionsPage/use-new-session";
import { BuildsCard, TemplatesCard } from "./DashboardCards";
import { DashboardPageView, DashboardSessionRow } from "./DashboardPageView";

export function DashboardPage() {
  // One page of the newest sessions; the counts come from the plan and a server-side state filter.
  // Nothing here polls: one workspace event stream keeps every cached list and the plan current.
  const sessionPages = useInfiniteQuery(sessionsQuery());
  const sessionList = flattenList(sessionPages.data);
  // Asked after the first page, so the list's first paint waits for one request only.
  const sleepingPages = useInfiniteQuery({ ...sessionsQuery({ state: "sleeping" }), enabled: sessionPages.isSuccess });
  useWorkspaceSessionEvents();
  const plan = useQuery(planQuery());
  const me = useQuery(meQuery());
  const templates = useQuery(templatesQuery());
  const builds = useQuery(buildsQuery());
  const canCreate = useCan("sessions.write");
  // Start on intent: the user's most recently used session, if marked, starts waking now.
  useIntent("dashboard", { enabled: useCan("sessions.lifecycle") });
  // Snapshots are listed per session; the dashboard sums the most recent sessions' lists.
  const snapshotLists = useQueries({
    queries: (sessionList ?? []).slice(0, 10).map((s) => ({ ...snapshotsQuery(s.id), refetchInterval: false as const })),
  });
  const snapshotCount = snapshotLists.every((q) => q.isSuccess) ? snapshotLists.reduce((n, q) => n + (q.data?.length ?? 0), 0) : null;
  const { create, createAndOpen, openDialog, dialog } = useNewSession();

  return (
    <>
      <DashboardPageView
        userName={me.data?.user.name ?? me.data?.user.email.split("@")[0] ?? null}
        sessions={{ data: sessionList, loading: sessionPages.isPending, error: sessionPages.error, refetch: () => sessionPages.refetch() }}
        counts={{
          running: plan.data?.usage.runningSessions ?? null,
          total: plan.data?.usage.totalSessions ?? null,
          sleeping: sleepingPages.data ? `${flattenList(sleepingPages.data)?.length ?? 0}${sleepingPages.hasNextPage ? "+" : ""}` : null,
        }}
        plan={plan.data}
        snapshotCount={snapshotCount}
        canCreate={canCreate}
        firstRun={{ busy: create.isPending, error: create.error, start: () => createAndOpen({ name: suggestSessionName() }) }}
        onNewSession={openDialog}
        renderSessionRow={(s) => <DashboardSessionRow session={s} />}
        mainCards={<BuildsCard builds={builds.data} loading={builds.isPending} error={builds.error} />}
        sideCards={
          <TemplatesCard
            templates={templates.data}
            loading={templates.isPending}
            error={templates.error}
            canStart={canCreate}
            starting={create.isPending ? (create.variables?.templateId ?? null) : null}
            onStart={(t) => createAndOpen({ name: suggestSessionName(), templateId: t.builtin ? undefined : t.id })}
          />
        }
      />
      {dialog}
    </>
  );
}
