import type { Query } from "@burstflare/sdk/client";
import {
  type Session,
  type SessionDetail,
  type SessionListResponse,
  sessionDetailResponse,
  sessionListResponse,
  sessionResponse,
} from "@burstflare/sdk/schemas/sessions";
import type { SessionState } from "@burstflare/sdk/states";
import {
  type InfiniteData,
  infiniteQueryOptions,
  type QueryClient,
  type QueryKey,
  queryOptions,
  useMutation,
  useQueryClient,
} from "@tanstack/react-query";
import { client } from "../client";

/** Server-side filters of a list (GET /api/sessions query, minus paging). */
export interface SessionListFilters {
  state?: string;
  templateId?: string;
  owner?: string;
  q?: string;
}

export type SessionListCache = InfiniteData<SessionListResponse, string | null>;

export const sessionKeys = {
  all: ["sessions"] as const,
  /** Every list cache, whatever its filters. */
  lists: () => ["sessions", "list"] as const,
  list: (filters: SessionListFilters = {}) => ["sessions", "list", filters] as const,
  detail: (id: string) => ["sessions", "detail", id] as const,
};

/** States a session only passes through. */
const TRANSITIONAL_STATES: readonly SessionState[] = ["created", "starting", "stopping"];

/** Rows per page of the SPA's lists: the first paint needs this one page. */
const SESSION_LIST_PAGE = 50;

function listQuery(filters: SessionListFilters, limit: number, cursor: string | null): Query {
  const query: Query = {};
  for (const [key, value] of Object.entries(filters)) if (value) query[key] = value;
  query.limit = limit;
  if (cursor) query.cursor = cursor;
  return query;
}

/**
 * Sessions page by page (newest first), filtered by the server. No refetch interval: the
 * workspace event stream (workspace-events.ts) keeps loaded pages current.
 */
export const sessionsQuery = (filters: SessionListFilters = {}, limit = SESSION_LIST_PAGE) =>
  infiniteQueryOptions({
    queryKey: sessionKeys.list(filters),
    queryFn: ({ pageParam }) =>
      client.call("GET /api/sessions", { query: listQuery(filters, limit, pageParam), schema: sessionListResponse }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

/** The loaded pages of a list as one array. */
export const flattenList = (data: { pages: SessionListResponse[] } | undefined): Session[] | undefined =>
  data?.pages.flatMap((p) => p.sessions);

/** Rewrites every list cache's rows with `fn` (filters are re-checked by the caller). */
export function updateListCaches(qc: QueryClient, fn: (sessions: Session[], filters: SessionListFilters) => Session[]): void {
  for (const [key, data] of qc.getQueriesData<SessionListCache>({ queryKey: sessionKeys.lists() })) {
    if (!data) continue;
    const filters = (key[2] ?? {}) as SessionListFilters;
    qc.setQueryData<SessionListCache>(key, { ...data, pages: data.pages.map((p) => ({ ...p, sessions: fn(p.sessions, filters) })) });
  }
}

export const sessionQuery = (id: string) =>
  queryOptions({
    queryKey: sessionKeys.detail(id),
    queryFn: async () =>
      (await client.call("GET /api/sessions/{sessionId}", { params: { sessionId: id }, schema: sessionDetailResponse })).session,
    refetchInterval: (query) => (query.state.data && TRANSITIONAL_STATES.includes(query.state.data.state) ? 3_000 : 30_000),
  });

export type SessionAction = "start" | "stop" | "restart" | "delete";

/** What a session shows the moment an action is clicked, before the server answers. */
const optimisticState: Record<Exclude<SessionAction, "delete">, SessionState> = {
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
function putSession(qc: QueryClient, session: Session | SessionDetail): void {
  qc.setQueryData<SessionDetail>(sessionKeys.detail(session.id), (prev) =>
    prev ? { ...prev, ...session } : "activity" in session ? session : { ...session, activity: null },
  );
  updateListCaches(qc, (rows) => rows.map((s) => (s.id === session.id ? { ...s, ...stripDetail(session) } : s)));
}

function stripDetail(session: Session | SessionDetail): Session {
  if (!("activity" in session)) return session;
  const { activity: _activity, ...rest } = session;
  return rest;
}

function patchState(qc: QueryClient, id: string, state: SessionState): void {
  qc.setQueryData<SessionDetail>(sessionKeys.detail(id), (prev) => (prev ? { ...prev, state } : prev));
  updateListCaches(qc, (rows) => rows.map((s) => (s.id === id ? { ...s, state } : s)));
}

interface Snapshot {
  detail: SessionDetail | undefined;
  lists: [QueryKey, SessionListCache | undefined][];
}

async function takeSnapshot(qc: QueryClient, id: string): Promise<Snapshot> {
  await qc.cancelQueries({ queryKey: sessionKeys.all });
  return { detail: qc.getQueryData(sessionKeys.detail(id)), lists: qc.getQueriesData<SessionListCache>({ queryKey: sessionKeys.lists() }) };
}

function restore(qc: QueryClient, id: string, snap: Snapshot | undefined): void {
  if (!snap) return;
  qc.setQueryData(sessionKeys.detail(id), snap.detail);
  for (const [key, data] of snap.lists) qc.setQueryData(key, data);
}

/**
 * start / stop / restart / delete with optimistic updates: the badge moves at once, rolls back
 * if the server refuses, and both caches settle on the server's answer.
 */
export function useSessionAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: string; action: SessionAction }) => {
      if (action === "delete") {
        await client.call("DELETE /api/sessions/{sessionId}", { params: { sessionId: id } });
        return null;
      }
      const route = `POST /api/sessions/{sessionId}/${action}` as const;
      return (await client.call(route, { params: { sessionId: id }, body: {}, schema: sessionResponse })).session;
    },
    onMutate: async ({ id, action }) => {
      const snap = await takeSnapshot(qc, id);
      if (action === "delete") {
        updateListCaches(qc, (rows) => rows.filter((s) => s.id !== id));
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
      // Lists follow the workspace event stream; only the open detail is read again.
      if (action !== "delete") qc.invalidateQueries({ queryKey: sessionKeys.detail(id) });
    },
  });
}

interface CreateSessionInput {
  name: string;
  /** Omitted: the built-in starter template. */
  templateId?: string;
  start?: boolean;
  /** A repository cloned at the first start (docs/git.md), replacing the template's. */
  git?: { url: string; ref?: string };
}

export function useCreateSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (input: CreateSessionInput) =>
      (await client.call("POST /api/sessions", { body: input, schema: sessionResponse })).session,
    onSuccess: (session) => {
      // Newest first: the new session heads the first page of the unfiltered lists.
      for (const [key, data] of qc.getQueriesData<SessionListCache>({ queryKey: sessionKeys.list(), exact: true })) {
        if (!data?.pages[0]) continue;
        const [first, ...rest] = data.pages;
        qc.setQueryData<SessionListCache>(key, {
          ...data,
          pages: [{ ...first, sessions: [session, ...first.sessions.filter((s) => s.id !== session.id)] }, ...rest],
        });
      }
      qc.setQueryData<SessionDetail>(sessionKeys.detail(session.id), { ...session, activity: null });
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
