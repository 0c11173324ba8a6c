import { queryOptions } from "@tanstack/react-query";
import { healthSchema } from "../../../../sdk/schemas/health";
import { client } from "../client";

export const healthQuery = () =>
  queryOptions({
    queryKey: ["health"],
    queryFn: () => client.call("GET /api/health", { schema: healthSchema }),
    refetchInterval: 15_000,
  });
