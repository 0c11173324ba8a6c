import { type QueryKey, useMutation, useQueryClient } from "@tanstack/react-query";

/**
 * A mutation that refetches the queries under `queryKey` afterwards: once it settles (the default: the server may have
 * changed even when the call failed) or, with "success", only when it worked.
 */
export function useRefetchingMutation<TData, TVars>(
  mutationFn: (vars: TVars) => Promise<TData>,
  queryKey: QueryKey,
  after: "settled" | "success" = "settled",
) {
  const qc = useQueryClient();
  const refetch = () => qc.invalidateQueries({ queryKey });
  return useMutation<TData, Error, TVars>({ mutationFn, ...(after === "settled" ? { onSettled: refetch } : { onSuccess: refetch }) });
}
