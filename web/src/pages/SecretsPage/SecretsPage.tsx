import { useQuery } from "@tanstack/react-query";
import { ApiError } from "../../api/client";
import { secretsQuery, useCan, useDeleteSecret, usePutSecret, useRole } from "../../api/queries/workspaces";
import { SecretsPageView } from "./SecretsPageView";

export function SecretsPage() {
  const role = useRole();
  const canRead = useCan("secrets.read");
  const canWrite = useCan("secrets.write");
  const query = useQuery({ ...secretsQuery(), enabled: canRead });
  const put = usePutSecret();
  const del = useDeleteSecret();
  const forbidden = role !== undefined && !canRead ? new ApiError("forbidden", `your role (${role}) cannot see secrets`) : null;

  return (
    <SecretsPageView
      secrets={query.data}
      loading={role === undefined || (canRead && query.isPending)}
      error={forbidden ?? query.error}
      canWrite={canWrite}
      save={{ run: (input, done) => put.mutate(input, { onSuccess: done }), pending: put.isPending, error: put.error }}
      remove={{ run: (name) => del.mutate(name), pending: del.isPending, error: del.error }}
    />
  );
}
