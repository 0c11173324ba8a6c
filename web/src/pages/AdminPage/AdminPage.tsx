import { useQuery } from "@tanstack/react-query";
import {
  adminReportQuery,
  deletedItemsQuery,
  useAdminRetryBuild,
  useReconcile,
  useRestoreDeleted,
  useRetryAllDeadLettered,
} from "../../api/queries/admin";
import { meQuery } from "../../api/queries/auth";
import { AdminPageView } from "./AdminPageView";

export function AdminPage() {
  const me = useQuery(meQuery());
  const isOperator = me.data?.isOperator ?? false;
  const report = useQuery({ ...adminReportQuery(), enabled: isOperator });
  const deleted = useQuery({ ...deletedItemsQuery(), enabled: isOperator });
  const retry = useAdminRetryBuild();
  const retryAll = useRetryAllDeadLettered();
  const reconcile = useReconcile();
  const restore = useRestoreDeleted();

  return (
    <AdminPageView
      isOperator={isOperator}
      meLoading={me.isPending}
      report={{ data: report.data, loading: report.isPending && isOperator, error: report.error, refetch: () => report.refetch() }}
      deleted={{ data: deleted.data, loading: deleted.isPending && isOperator, error: deleted.error }}
      retry={{ pendingId: retry.isPending ? (retry.variables ?? null) : null, error: retry.error, run: (id) => retry.mutate(id) }}
      retryAll={{ pending: retryAll.isPending, error: retryAll.error, result: retryAll.data, run: () => retryAll.mutate(undefined) }}
      reconcile={{
        pending: reconcile.isPending ? (reconcile.variables?.preview ? "preview" : "run") : null,
        error: reconcile.error,
        result: reconcile.data,
        run: (preview) => reconcile.mutate({ preview }),
      }}
      restore={{
        pendingId: restore.isPending ? (restore.variables?.id ?? null) : null,
        error: restore.error,
        run: (kind, id) => restore.mutate({ kind, id }),
      }}
    />
  );
}
