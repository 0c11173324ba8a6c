import { healthSchema } from "@burstflare/sdk/schemas/health";
import { queryOptions } from "@tanstack/react-query";
import { client } from "../client";

export const healthQuery = () =>
  queryOptions({
    queryKey: ["health"],
    queryFn: () => client.call("GET /api/health", { schema: healthSchema }),
    refetchInterval: 15_000,
  });
