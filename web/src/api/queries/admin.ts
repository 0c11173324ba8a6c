import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Me } from "../../../../sdk/schemas/auth";
import { api } from "../client";

/**
 * The signed-in caller (GET /api/auth/me). Shared key: whichever module reads `me` gets the
 * same cache entry. A 401 is an answer here (signed out), not something to retry.
 */
export const meQuery = () =>
  queryOptions({
    queryKey: ["auth", "me"],
    queryFn: () => api.get<Me>("/api/auth/me"),
    retry: false,
    staleTime: 60_000,
  });

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

/** A build as the operator page needs it; the full type lives with the templates contract. */
export interface DeadLetteredBuild {
  id: string;
  templateId?: string;
  templateName?: string;
  versionId?: string;
  version?: string;
  status: string;
  attempts?: number;
  error?: string | null;
  lastError?: string | null;
  updatedAt?: string;
  createdAt?: string;
}

export const adminKeys = {
  report: ["admin", "report"] as const,
  deadLettered: ["admin", "builds", "dead_lettered"] as const,
};

export const adminReportQuery = () =>
  queryOptions({
    queryKey: adminKeys.report,
    queryFn: () => api.get<AdminReport>("/api/admin/report"),
    refetchInterval: 15_000,
    retry: false,
  });

export const deadLetteredBuildsQuery = () =>
  queryOptions({
    queryKey: adminKeys.deadLettered,
    queryFn: async () => {
      const body = await api.get<{ builds?: DeadLetteredBuild[] } | DeadLetteredBuild[]>("/api/template-builds?status=dead_lettered");
      return Array.isArray(body) ? body : (body.builds ?? []);
    },
    retry: false,
  });

function useAdminMutation<T, R = unknown>(fn: (arg: T) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => qc.invalidateQueries({ queryKey: ["admin"] }),
  });
}

export const useRetryBuild = () => useAdminMutation((id: string) => api.post(`/api/template-builds/${encodeURIComponent(id)}/retry`));
export const useRetryAllDeadLettered = () => useAdminMutation((_: undefined) => api.post("/api/admin/builds/retry-dead-lettered"));
/** Runs the reconcile pass now instead of waiting for the cron. */
export const useReconcileNow = () => useAdminMutation((_: undefined) => api.post<Record<string, unknown>>("/api/admin/reconcile"));
