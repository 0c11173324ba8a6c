import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Build } from "../../../../sdk/schemas/builds";
import { api } from "../client";
import { meQuery } from "./auth";
import { buildKeys } from "./builds";

export function useIsOperator(): boolean {
  return useQuery({ ...meQuery(), select: (me) => me.isOperator }).data ?? false;
}

/**
 * GET /api/admin/report (operators only). DESIGN §3 names at least buildsDeadLettered,
 * buildsStuck, sessionsSleeping and activeUploadGrants, plus totals; anything else numeric
 * is shown as it comes.
 */
export interface AdminReport {
  buildsDeadLettered?: number;
  buildsStuck?: number;
  sessionsSleeping?: number;
  activeUploadGrants?: number;
  [key: string]: unknown;
}

export const adminKeys = {
  all: ["admin"] as const,
  report: ["admin", "report"] as const,
};

export const adminReportQuery = () =>
  queryOptions({
    queryKey: adminKeys.report,
    queryFn: () => api.get<AdminReport>("/api/admin/report"),
    refetchInterval: 15_000,
    retry: false,
  });

function useAdminMutation<T, R = unknown>(fn: (arg: T) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: adminKeys.all }), qc.invalidateQueries({ queryKey: buildKeys.all })]),
  });
}

export const useRetryAllDeadLettered = () =>
  useAdminMutation((_: undefined) => api.post<{ count: number; buildIds: string[] }>("/api/admin/builds/retry-dead-lettered"));
/** Runs the reconcile pass now instead of waiting for the cron. */
export const useReconcileNow = () => useAdminMutation((_: undefined) => api.post<Record<string, unknown>>("/api/admin/reconcile"));

export type DeadLetteredBuild = Build;
