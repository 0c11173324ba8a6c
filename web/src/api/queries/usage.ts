import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { Usage } from "../../../../sdk/schemas/workspaces";
import { client, returns } from "../client";

export const usageQuery = (days: number) =>
  queryOptions({
    queryKey: ["workspace", "usage", days],
    queryFn: () => client.call("GET /api/usage", { query: { days }, returns: returns<Usage>() }),
    refetchInterval: 60_000,
    // Changing the range keeps the old chart on screen until the new one arrives.
    placeholderData: keepPreviousData,
  });
