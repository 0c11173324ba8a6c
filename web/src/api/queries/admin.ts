import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AdminReport, DeletedItem, ReconcileResult, RestoreBody, RestoreResult } from "../../../../sdk/schemas/admin";
import type { Build } from "../../../../sdk/schemas/builds";
import { api } from "../client";
import { meQuery } from "./auth";
import { buildKeys } from "./builds";

export function useIsOperator(): boolean {
  return useQuery({ ...meQuery(), select: (me) => me.isOperator }).data ?? false;
}

export const adminKeys = {
  all: ["admin"] as const,
  report: ["admin", "report"] as const,
  deleted: ["admin", "deleted"] as const,
};

/** GET /api/admin/report: fleet health across workspaces, dead-lettered builds included. */
export const adminReportQuery = () =>
  queryOptions({
    queryKey: adminKeys.report,
    queryFn: () => api.get<AdminReport>("/api/admin/report"),
    refetchInterval: 15_000,
    retry: false,
  });

/** Deleted things still inside the retention window, restorable by an operator. */
export const deletedItemsQuery = () =>
  queryOptions({
    queryKey: adminKeys.deleted,
    queryFn: async () => (await api.get<{ items: DeletedItem[] }>("/api/admin/deleted")).items,
    retry: false,
  });

function useAdminMutation<T, R>(fn: (arg: T) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: adminKeys.all }), qc.invalidateQueries({ queryKey: buildKeys.all })]),
  });
}

/** Any workspace's failed or dead-lettered build, queued again. */
export const useAdminRetryBuild = () =>
  useAdminMutation((id: string) => api.post<Build>(`/api/admin/template-builds/${encodeURIComponent(id)}/retry`));
export const useRetryAllDeadLettered = () =>
  useAdminMutation((_: undefined) => api.post<{ count: number; buildIds: string[] }>("/api/admin/template-builds/retry-dead-lettered"));
/** The reconcile pass now; `preview` lists what it would do and changes nothing. */
export const useReconcile = () =>
  useAdminMutation(({ preview }: { preview: boolean }) => api.post<ReconcileResult>("/api/admin/reconcile", { preview }));
export const useRestoreDeleted = () => useAdminMutation((body: RestoreBody) => api.post<RestoreResult>("/api/admin/restore", body));
