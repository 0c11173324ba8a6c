import { type SessionDetail, type WorkspaceSessionEvent, workspaceSessionEventSchema } from "@burstflare/sdk/schemas/sessions";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type SessionListCache, type SessionListFilters, sessionKeys, updateListCaches } from "./queries/sessions";
import { workspaceKeys } from "./queries/workspaces";
import type { EventStreamStatus } from "./session-events";

/** Whether a session in `state` belongs in a list with these filters (only the state can change). */
function stateMatches(filters: SessionListFilters, state: string): boolean {
  return !filters.state || filters.state.split(",").includes(state);
}

/**
 * Applies one workspace event to every cached list and the session's detail. A row that moved
 * out of a filtered list leaves it; a session the list should now hold but does not (new, or
 * newly matching a state filter) makes that one list refetch: requests follow changes, not time.
 */
export function applyWorkspaceEvent(qc: QueryClient, event: WorkspaceSessionEvent): void {
  const stale: SessionListFilters[] = [];
  updateListCaches(qc, (rows, filters) => {
    const index = rows.findIndex((s) => s.id === event.sessionId);
    if (index < 0) return rows;
    const row = rows[index]!;
    if (event.stateVersion < row.stateVersion) return rows;
    if (event.state === "deleted" || !stateMatches(filters, event.state)) return rows.filter((s) => s.id !== event.sessionId);
    const next = [...rows];
    next[index] = {
      ...row,
      state: event.state,
      stateVersion: event.stateVersion,
      lastLifecyclePhase: event.phase ?? row.lastLifecyclePhase,
      failureReason: event.failureReason,
    };
    return next;
  });
  for (const [key, data] of qc.getQueriesData<SessionListCache>({ queryKey: sessionKeys.lists() })) {
    const filters = (key[2] ?? {}) as SessionListFilters;
    const held = data?.pages.some((p) => p.sessions.some((s) => s.id === event.sessionId));
    if (held || event.state === "deleted") continue;
    // Unfiltered lists gain only new sessions (older ones changing state stay on later pages).
    if (filters.state ? stateMatches(filters, event.state) : event.stateVersion === 0) stale.push(filters);
  }
  for (const filters of stale) void qc.invalidateQueries({ queryKey: sessionKeys.list(filters), exact: true });
  qc.setQueryData<SessionDetail>(sessionKeys.detail(event.sessionId), (prev) =>
    prev && event.stateVersion >= prev.stateVersion
      ? { ...prev, state: event.state, stateVersion: event.stateVersion, lastLifecyclePhase: event.phase ?? prev.lastLifecyclePhase }
      : prev,
  );
  // Counts on the dashboard (running, total) come with the plan.
  if (event.stateVersion === 0 || event.state === "deleted" || event.state === "running" || event.state === "stopped") {
    void qc.invalidateQueries({ queryKey: workspaceKeys.plan });
  }
}

/**
 * Follows GET /api/sessions/events: one stream per open list page for the whole workspace,
 * instead of polling every page. `reset` (the server lost track of what we saw) refetches lists.
 */
export function useWorkspaceSessionEvents({
  enabled = true,
  EventSourceImpl,
}: {
  enabled?: boolean;
  EventSourceImpl?: typeof EventSource;
} = {}) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<EventStreamStatus>("connecting");

  useEffect(() => {
    if (!enabled) return;
    const Impl = EventSourceImpl ?? globalThis.EventSource;
    if (!Impl) return;
    const source = new Impl("/api/sessions/events", { withCredentials: true });
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus(source.readyState === 2 ? "closed" : "reconnecting");
    source.addEventListener("session", (e) => {
      const parsed = workspaceSessionEventSchema.safeParse(safeJSON((e as MessageEvent).data));
      if (parsed.success) applyWorkspaceEvent(qc, parsed.data);
    });
    source.addEventListener("reset", () => void qc.invalidateQueries({ queryKey: sessionKeys.lists() }));
    return () => {
      source.close();
      setStatus("closed");
    };
  }, [enabled, EventSourceImpl, qc]);

  return { status };
}

function safeJSON(text: unknown): unknown {
  try {
    return JSON.parse(String(text));
  } catch {
    return null;
  }
}
