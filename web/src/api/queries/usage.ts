import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { Usage } from "../../../../sdk/schemas/workspaces";
import { api } from "../client";

export const usageQuery = (days: number) =>
  queryOptions({
    queryKey: ["workspace", "usage", days],
    queryFn: () => api.get<Usage>(`/api/usage?days=${days}`),
    refetchInterval: 60_000,
    // Changing the range keeps the old chart on screen until the new one arrives.
    placeholderData: keepPreviousData,
  });
