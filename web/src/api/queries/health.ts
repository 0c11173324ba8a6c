import { queryOptions } from "@tanstack/react-query";
import type { Health } from "../../../../sdk/schemas/health";
import { client, returns } from "../client";

export const healthQuery = () =>
  queryOptions({
    queryKey: ["health"],
    queryFn: () => client.call("GET /api/health", { returns: returns<Health>() }),
    refetchInterval: 15_000,
  });
