import { sessionPortsResponse } from "@burstflare/sdk/schemas/ports";
import { queryOptions } from "@tanstack/react-query";
import { client } from "../client";

/** Ports listening in a running session; polled while the ports menu is open (a server may start any time). */
export const sessionPortsQuery = (sessionId: string) =>
  queryOptions({
    queryKey: ["sessions", sessionId, "ports"] as const,
    queryFn: () => client.call("GET /api/sessions/{sessionId}/ports", { params: { sessionId }, schema: sessionPortsResponse }),
    refetchInterval: 5_000,
    retry: false,
  });
