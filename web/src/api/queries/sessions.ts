import { type QueryClient, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { SESSION_PAGE_MAX, type Session, type SessionDetail, type SessionListResponse } from "../../../../sdk/schemas/sessions";
import type { SessionState } from "../../../../sdk/states";
import { api } from "../client";

export const sessionKeys = {
  all: ["sessions"] as const,
  list: () => ["sessions", "list"] as const,
  detail: (id: string) => ["sessions", "detail", id] as const,
};

/** States a session only passes through; while any is shown we poll faster. */
export const TRANSITIONAL_STATES: readonly SessionState[] = ["created", "starting", "stopping"];

/** Every session of the workspace: GET /api/sessions page after page (newest first). */
async function listAllSessions(): Promise<Session[]> {
  const all: Session[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=${SESSION_PAGE_MAX}&cursor=${encodeURIComponent(cursor)}` : `?limit=${SESSION_PAGE_MAX}`;
    const page: SessionListResponse = await api.get<SessionListResponse>(`/api/sessions${query}`);
    all.push(...page.sessions);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export const sessionsQuery = () =>
  queryOptions({
    queryKey: sessionKeys.list(),
    queryFn: listAllSessions,
    refetchInterval: (query) => (query.state.data?.some((s) => TRANSITIONAL_STATES.includes(s.state)) ? 2_000 : 15_000),
  });

export const sessionQuery = (id: string) =>
  queryOptions({
    queryKey: sessionKeys.detail(id),
    queryFn: async () => (await api.get<{ session: SessionDetail }>(`/api/sessions/${encodeURIComponent(id)}`)).session,
    refetchInterval: (query) => (query.state.data && TRANSITIONAL_STATES.includes(query.state.data.state) ? 3_000 : 30_000),
  });

export type SessionAction = "start" | "stop" | "restart" | "delete";

/** What a session shows the moment an action is clicked, before the server answers. */
export const optimisticState: Record<Exclude<SessionAction, "delete">, SessionState> = {
  start: "starting",
  stop: "stopping",
  restart: "starting",
};

/** Which actions make sense from a state; the server still decides (invalid_state). */
export function actionsFor(state: SessionState): SessionAction[] {
  switch (state) {
    case "running":
      return ["stop", "restart", "delete"];
    case "sleeping":
      return ["start", "stop", "delete"];
    case "stopped":
    case "failed":
    case "created":
      return ["start", "delete"];
    case "starting":
    case "stopping":
      return ["delete"];
    case "deleted":
      return [];
  }
}

/** Writes a session into both caches (detail keeps its `activity`, list entries are plain sessions). */
export function putSession(qc: QueryClient, session: Session | SessionDetail): void {
  qc.setQueryData<SessionDetail>(sessionKeys.detail(session.id), (prev) =>
    prev ? { ...prev, ...session } : "activity" in session ? session : { ...session, activity: null },
  );
  qc.setQueryData<Session[]>(sessionKeys.list(), (prev) => prev?.map((s) => (s.id === session.id ? { ...s, ...stripDetail(session) } : s)));
}

function stripDetail(session: Session | SessionDetail): Session {
  if (!("activity" in session)) return session;
  const { activity: _activity, ...rest } = session;
  return rest;
}

function patchState(qc: QueryClient, id: string, state: SessionState): void {
  qc.setQueryData<SessionDetail>(sessionKeys.detail(id), (prev) => (prev ? { ...prev, state } : prev));
  qc.setQueryData<Session[]>(sessionKeys.list(), (prev) => prev?.map((s) => (s.id === id ? { ...s, state } : s)));
}

interface Snapshot {
  detail: SessionDetail | undefined;
  list: Session[] | undefined;
}

async function takeSnapshot(qc: QueryClient, id: string): Promise<Snapshot> {
  await qc.cancelQueries({ queryKey: sessionKeys.all });
  return { detail: qc.getQueryData(sessionKeys.detail(id)), list: qc.getQueryData(sessionKeys.list()) };
}

function restore(qc: QueryClient, id: string, snap: Snapshot | undefined): void {
  if (!snap) return;
  qc.setQueryData(sessionKeys.detail(id), snap.detail);
  qc.setQueryData(sessionKeys.list(), snap.list);
}

/**
 * start / stop / restart / delete with optimistic updates: the badge moves at once, rolls back
 * if the server refuses, and both caches settle on the server's answer.
 */
export function useSessionAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: string; action: SessionAction }) => {
      const path = `/api/sessions/${encodeURIComponent(id)}`;
      if (action === "delete") {
        await api.delete(path);
        return null;
      }
      return (await api.post<{ session: Session }>(`${path}/${action}`)).session;
    },
    onMutate: async ({ id, action }) => {
      const snap = await takeSnapshot(qc, id);
      if (action === "delete") {
        qc.setQueryData<Session[]>(sessionKeys.list(), (prev) => prev?.filter((s) => s.id !== id));
      } else {
        patchState(qc, id, optimisticState[action]);
      }
      return snap;
    },
    onError: (_err, { id }, snap) => restore(qc, id, snap),
    onSuccess: (session, { id, action }) => {
      if (session) putSession(qc, session);
      if (action === "delete") qc.removeQueries({ queryKey: sessionKeys.detail(id) });
    },
    onSettled: (_data, _err, { id, action }) => {
      qc.invalidateQueries({ queryKey: sessionKeys.list() });
      if (action !== "delete") qc.invalidateQueries({ queryKey: sessionKeys.detail(id) });
    },
  });
}

export interface CreateSessionInput {
  name: string;
  /** Omitted: the built-in starter template. */
  templateId?: string;
  start?: boolean;
}

export function useCreateSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreateSessionInput) => (await api.post<{ session: Session }>("/api/sessions", input)).session,
    onSuccess: (session) => {
      qc.setQueryData<Session[]>(sessionKeys.list(), (prev) => (prev ? [session, ...prev.filter((s) => s.id !== session.id)] : prev));
      qc.setQueryData<SessionDetail>(sessionKeys.detail(session.id), { ...session, activity: null });
      qc.invalidateQueries({ queryKey: sessionKeys.list() });
    },
  });
}

/** A readable default name: adjective-noun-4 hex, within the session name rules. */
export function suggestSessionName(random: () => number = Math.random): string {
  const adjectives = ["swift", "bright", "calm", "bold", "quiet", "lucky", "brisk", "clever", "sunny", "keen"];
  const nouns = ["falcon", "otter", "comet", "maple", "harbor", "spark", "cedar", "nova", "pixel", "river"];
  const pick = (list: string[]) => list[Math.floor(random() * list.length)]!;
  const suffix = Math.floor(random() * 0xffff)
    .toString(16)
    .padStart(4, "0");
  return `${pick(adjectives)}-${pick(nouns)}-${suffix}`;
}
