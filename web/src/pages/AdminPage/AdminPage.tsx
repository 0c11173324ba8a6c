import { useQuery } from "@tanstack/react-query";
import { adminReportQuery, useReconcileNow, useRetryAllDeadLettered } from "../../api/queries/admin";
import { meQuery } from "../../api/queries/auth";
import { buildsQuery, useRetryBuild } from "../../api/queries/builds";
import { AdminPageView } from "./AdminPageView";

export function AdminPage() {
  const me = useQuery(meQuery());
  const isOperator = me.data?.isOperator ?? false;
  const report = useQuery({ ...adminReportQuery(), enabled: isOperator });
  const dead = useQuery({ ...buildsQuery({ status: "dead_lettered" }), enabled: isOperator });
  const retry = useRetryBuild();
  const retryAll = useRetryAllDeadLettered();
  const reconcile = useReconcileNow();

  return (
    <AdminPageView
      isOperator={isOperator}
      meLoading={me.isPending}
      report={{ data: report.data, loading: report.isPending && isOperator, error: report.error, refetch: () => report.refetch() }}
      deadLettered={{ data: dead.data, loading: dead.isPending && isOperator, error: dead.error }}
      retry={{ pendingId: retry.isPending ? (retry.variables ?? null) : null, error: retry.error, run: (id) => retry.mutate(id) }}
      retryAll={{ pending: retryAll.isPending, error: retryAll.error, run: () => retryAll.mutate(undefined) }}
      reconcile={{ pending: reconcile.isPending, error: reconcile.error, result: reconcile.data, run: () => reconcile.mutate(undefined) }}
    />
  );
}
