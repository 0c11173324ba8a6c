import { queryOptions } from "@tanstack/react-query";
import type { PlanInfo } from "../../../../sdk/schemas/workspaces";
import { api } from "../client";

/**
 * Read-only figures the dashboard shows that belong to other areas' APIs. Keys live under
 * "dashboard" so they never collide with those areas' own caches.
 */
export const dashboardPlanQuery = () =>
  queryOptions({
    queryKey: ["dashboard", "plan"],
    queryFn: () => api.get<PlanInfo>("/api/workspaces/current/plan"),
    refetchInterval: 30_000,
    retry: false,
  });
