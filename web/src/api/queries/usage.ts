import { usageSchema } from "@burstflare/sdk/schemas/workspaces";
import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { client } from "../client";

export const usageQuery = (days: number) =>
  queryOptions({
    queryKey: ["workspace", "usage", days],
    queryFn: () => client.call("GET /api/usage", { query: { days }, schema: usageSchema }),
    refetchInterval: 60_000,
    // Changing the range keeps the old chart on screen until the new one arrives.
    placeholderData: keepPreviousData,
  });
