import type { DeletedItem, RestoreBody } from "@burstflare/sdk/schemas/admin";
import { adminReportSchema, reconcileResultSchema, restoreResultSchema } from "@burstflare/sdk/schemas/admin";
import { buildSchema } from "@burstflare/sdk/schemas/builds";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, returns } from "../client";
import { meQuery } from "./auth";
import { buildKeys } from "./builds";
import { listQuery } from "./list";

export function useIsOperator(): boolean {
  return useQuery({ ...meQuery(), select: (me) => me.isOperator }).data ?? false;
}

const adminKeys = {
  all: ["admin"] as const,
  report: ["admin", "report"] as const,
  deleted: ["admin", "deleted"] as const,
};

/** Deleted things still inside the retention window, restorable by an operator. */
export const deletedItemsQuery = () =>
  queryOptions({ ...listQuery<DeletedItem>(adminKeys.deleted, "GET /api/admin/deleted", "items"), retry: false });

/** GET /api/admin/report: fleet health across workspaces, dead-lettered builds included. */
export const adminReportQuery = () =>
  queryOptions({
    queryKey: adminKeys.report,
    queryFn: () => client.call("GET /api/admin/report", { schema: adminReportSchema }),
    refetchInterval: 15_000,
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
  useAdminMutation((id: string) =>
    client.call("POST /api/admin/template-builds/{buildId}/retry", { params: { buildId: id }, body: {}, schema: buildSchema }),
  );
export const useRetryAllDeadLettered = () =>
  useAdminMutation((_: undefined) =>
    client.call("POST /api/admin/template-builds/retry-dead-lettered", {
      body: {},
      returns: returns<{ count: number; buildIds: string[] }>(),
    }),
  );
/** The reconcile pass now; `preview` lists what it would do and changes nothing. */
export const useReconcile = () =>
  useAdminMutation(({ preview }: { preview: boolean }) =>
    client.call("POST /api/admin/reconcile", { body: { preview }, schema: reconcileResultSchema }),
  );
export const useRestoreDeleted = () =>
  useAdminMutation((body: RestoreBody) => client.call("POST /api/admin/restore", { body, schema: restoreResultSchema }));
