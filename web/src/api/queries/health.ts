import { queryOptions } from "@tanstack/react-query";
import type { Health } from "../../../../sdk/schemas/health";
import { api } from "../client";

export const healthQuery = () =>
  queryOptions({
    queryKey: ["health"],
    queryFn: () => api.get<Health>("/api/health"),
    refetchInterval: 15_000,
  });
