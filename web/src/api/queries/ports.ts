import { queryOptions } from "@tanstack/react-query";
import type { SessionPortsResponse } from "../../../../sdk/schemas/ports";
import { api } from "../client";

/** Ports listening in a running session; polled while the ports menu is open (a server may start any time). */
export const sessionPortsQuery = (sessionId: string) =>
  queryOptions({
    queryKey: ["sessions", sessionId, "ports"] as const,
    queryFn: () => api.get<SessionPortsResponse>(`/api/sessions/${encodeURIComponent(sessionId)}/ports`),
    refetchInterval: 5_000,
    retry: false,
  });
