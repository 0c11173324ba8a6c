import type { Session } from "@burstflare/sdk/schemas/sessions";
import { SESSION_EVENT_TYPES, type SessionDetail, type SessionEvent, sessionEventSchema } from "@burstflare/sdk/schemas/sessions";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { sessionKeys, updateListCaches } from "./queries/sessions";

export type EventStreamStatus = "connecting" | "live" | "reconnecting" | "closed";

/**
 * Applies one event to the cached session. A stale event (older stateVersion) never
 * overwrites a newer state, mirroring the Durable Object's versioned transitions.
 */
export function applySessionEvent<T extends Session>(session: T | undefined, event: SessionEvent): T | undefined {
  if (!session || event.stateVersion < session.stateVersion) return session;
  return {
    ...session,
    state: event.state,
    stateVersion: event.stateVersion,
    lastLifecyclePhase: event.phase ?? session.lastLifecyclePhase,
    failureReason: event.type === "error" && event.message ? event.message : session.failureReason,
  };
}

interface Options {
  enabled?: boolean;
  /** Injected in tests; the browser's EventSource otherwise. */
  EventSourceImpl?: typeof EventSource;
  /** How many recent events to keep for progress displays. */
  keep?: number;
}

/**
 * Follows GET /api/sessions/:id/events (Server-Sent Events, one named event per type) and keeps
 * the React Query caches in step, so every view of the session moves live. EventSource resumes
 * after a drop with Last-Event-ID, so missed events are replayed by the server.
 */
export function useSessionEvents(id: string | undefined, { enabled = true, EventSourceImpl, keep = 30 }: Options = {}) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<EventStreamStatus>("connecting");
  const [events, setEvents] = useState<SessionEvent[]>([]);
  const lastSeq = useRef(-1);

  useEffect(() => {
    if (!id || !enabled) return;
    const Impl = EventSourceImpl ?? globalThis.EventSource;
    if (!Impl) return;
    setStatus("connecting");
    const source = new Impl(`/api/sessions/${encodeURIComponent(id)}/events`, { withCredentials: true });
    let refetchTimer: ReturnType<typeof setTimeout> | undefined;

    const onEvent = (raw: MessageEvent) => {
      let parsed: SessionEvent;
      try {
        parsed = sessionEventSchema.parse(JSON.parse(String(raw.data)));
      } catch {
        return;
      }
      if (parsed.seq <= lastSeq.current) return;
      lastSeq.current = parsed.seq;
      setEvents((prev) => [...prev, parsed].slice(-keep));
      qc.setQueryData<SessionDetail>(sessionKeys.detail(id), (prev) => applySessionEvent(prev, parsed));
      updateListCaches(qc, (rows) => rows.map((s) => (s.id === id ? (applySessionEvent(s, parsed) ?? s) : s)));
      // Runtime fields (runtimeStatus, lastBootstrapAt…) are not in the event: refresh the detail once
      // the burst settles. Lists follow the workspace stream (workspace-events.ts), never refetched here.
      if (parsed.type === "transition" || parsed.type === "error") {
        clearTimeout(refetchTimer);
        refetchTimer = setTimeout(() => {
          qc.invalidateQueries({ queryKey: sessionKeys.detail(id) });
        }, 250);
      }
    };

    source.onopen = () => setStatus("live");
    for (const type of SESSION_EVENT_TYPES) {
      source.addEventListener(type, (e) => {
        // The server's own "error" events carry data; EventSource's connection errors do not.
        if (e instanceof MessageEvent && typeof e.data === "string") onEvent(e);
        else if (type === "error") setStatus(source.readyState === 2 ? "closed" : "reconnecting");
      });
    }
    return () => {
      clearTimeout(refetchTimer);
      source.close();
      setStatus("closed");
    };
  }, [id, enabled, EventSourceImpl, keep, qc]);

  return { status, events, lastEvent: events.at(-1) };
}
