import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { Session } from "../../../../sdk/schemas/sessions";
import type { RestoreIntoNewSessionBody, RestoreSnapshotResult, Snapshot, WorkspaceExport } from "../../../../sdk/schemas/snapshots";
import { api } from "../client";
import { sessionKeys } from "./sessions";

export const snapshotKeys = {
  all: ["snapshots"] as const,
  list: (sessionId: string) => ["snapshots", "list", sessionId] as const,
  exports: () => ["snapshots", "exports"] as const,
};

const base = (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}/snapshots`;

/** Same-origin download path of a snapshot archive (the cookie authenticates it). */
export const snapshotContentURL = (sessionId: string, snapshotId: string) => `${base(sessionId)}/${encodeURIComponent(snapshotId)}/content`;

export const snapshotsQuery = (sessionId: string) =>
  queryOptions({
    queryKey: snapshotKeys.list(sessionId),
    queryFn: async () => (await api.get<{ snapshots: Snapshot[] }>(base(sessionId))).snapshots,
    // A pending upload finishes on its own; poll while one is shown.
    refetchInterval: (query) => (query.state.data?.some((s) => s.status === "pending") ? 2_000 : 30_000),
  });

export function useCreateSnapshot(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (label: string | undefined) => api.post<Snapshot>(base(sessionId), label ? { label } : {}),
    onSettled: () => qc.invalidateQueries({ queryKey: snapshotKeys.list(sessionId) }),
  });
}

export function useRestoreSnapshot(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (snapshotId: string) => api.post<RestoreSnapshotResult>(`${base(sessionId)}/${encodeURIComponent(snapshotId)}/restore`),
    onSettled: () => qc.invalidateQueries({ queryKey: snapshotKeys.list(sessionId) }),
  });
}

export function useDeleteSnapshot(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (snapshotId: string) => api.delete<{ ok: true }>(`${base(sessionId)}/${encodeURIComponent(snapshotId)}`),
    onMutate: async (snapshotId) => {
      await qc.cancelQueries({ queryKey: snapshotKeys.list(sessionId) });
      const previous = qc.getQueryData<Snapshot[]>(snapshotKeys.list(sessionId));
      qc.setQueryData<Snapshot[]>(snapshotKeys.list(sessionId), (list) => list?.filter((s) => s.id !== snapshotId));
      return { previous };
    },
    onError: (_err, _id, context) => qc.setQueryData(snapshotKeys.list(sessionId), context?.previous),
    onSettled: () => qc.invalidateQueries({ queryKey: snapshotKeys.list(sessionId) }),
  });
}

/** Creates a new session whose first start restores the snapshot. */
export function useRestoreIntoNewSession(sessionId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ snapshotId, ...body }: RestoreIntoNewSessionBody & { snapshotId: string }) =>
      api.post<{ session: Session; snapshot: Snapshot }>(`${base(sessionId)}/${encodeURIComponent(snapshotId)}/new-session`, body),
    onSettled: () => qc.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

export const workspaceExportsQuery = () =>
  queryOptions({
    queryKey: snapshotKeys.exports(),
    queryFn: async () => (await api.get<{ exports: WorkspaceExport[] }>("/api/workspaces/current/exports")).exports,
  });

export function useCreateWorkspaceExport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<WorkspaceExport>("/api/workspaces/current/exports"),
    onSettled: () => qc.invalidateQueries({ queryKey: snapshotKeys.exports() }),
  });
}
