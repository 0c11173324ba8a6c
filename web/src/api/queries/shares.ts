import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { can } from "../../../../sdk/permissions";
import type { IntentResponse, IntentSurface } from "../../../../sdk/schemas/intent";
import type { SessionLatencyResponse } from "../../../../sdk/schemas/metrics";
import type { Session } from "../../../../sdk/schemas/sessions";
import type { CreateShareBody, CreateShareResponse, Share, ShareAccess } from "../../../../sdk/schemas/shares";
import { api } from "../client";
import { sessionKeys } from "./sessions";
import { useMyUserId, useRole } from "./workspaces";

/** Share links, their access log, start on intent and start/wake latency of a session. */
export const shareKeys = {
  list: (sessionId: string) => ["shares", sessionId, "list"] as const,
  access: (sessionId: string) => ["shares", sessionId, "access"] as const,
  latency: (sessionId: string) => ["sessions", "latency", sessionId] as const,
};

const base = (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}`;

export const sharesQuery = (sessionId: string) =>
  queryOptions({
    queryKey: shareKeys.list(sessionId),
    queryFn: async () => (await api.get<{ shares: Share[] }>(`${base(sessionId)}/shares`)).shares,
  });

export const shareAccessQuery = (sessionId: string) =>
  queryOptions({
    queryKey: shareKeys.access(sessionId),
    queryFn: async () => (await api.get<{ entries: ShareAccess[] }>(`${base(sessionId)}/share-access?limit=100`)).entries,
    refetchInterval: 10_000,
  });

export const latencyQuery = (sessionId: string) =>
  queryOptions({
    queryKey: shareKeys.latency(sessionId),
    queryFn: () => api.get<SessionLatencyResponse>(`${base(sessionId)}/latency`),
    refetchInterval: 60_000,
  });

export function useCreateShare(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateShareBody) => api.post<CreateShareResponse>(`${base(sessionId)}/shares`, body),
    onSettled: () => qc.invalidateQueries({ queryKey: ["shares", sessionId] }),
  });
}

export function useRevokeShare(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (shareId: string) => api.delete<{ share: Share }>(`${base(sessionId)}/shares/${encodeURIComponent(shareId)}`),
    onSettled: () => qc.invalidateQueries({ queryKey: ["shares", sessionId] }),
  });
}

export function useSetStartOnIntent(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (startOnIntent: boolean) => api.patch<{ session: Session }>(base(sessionId), { startOnIntent }),
    onSettled: () => qc.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

/**
 * Tells the control plane, once per mount, that this page is about to need a session: a sleeping
 * one marked for start on intent starts waking in the background. Best effort, never an error.
 */
export function useIntent(surface: IntentSurface, opts: { sessionId?: string; enabled?: boolean } = {}): void {
  const qc = useQueryClient();
  const fired = useRef<string | null>(null);
  const enabled = opts.enabled ?? true;
  const key = `${surface}:${opts.sessionId ?? ""}`;
  useEffect(() => {
    if (!enabled || fired.current === key) return;
    fired.current = key;
    api
      .post<IntentResponse>("/api/intent", { surface, sessionId: opts.sessionId })
      .then((answer) => {
        if (answer.action === "waking") void qc.invalidateQueries({ queryKey: sessionKeys.all });
      })
      .catch(() => {});
  }, [enabled, key, surface, opts.sessionId, qc]);
}

/** The API's rule (api/src/shares/manage.ts): the session's owner, or a workspace owner or admin. */
export function useCanManageShares(session: Pick<Session, "ownerId"> | undefined): boolean {
  const role = useRole();
  const me = useMyUserId();
  if (!session || !role || !can(role, "shares.manage")) return false;
  return role === "owner" || role === "admin" || session.ownerId === me;
}
