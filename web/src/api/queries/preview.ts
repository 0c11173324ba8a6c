import { previewVisitResponse } from "@burstflare/sdk/schemas/preview";
import { queryOptions } from "@tanstack/react-query";
import { client } from "../client";

/**
 * The preview frame's URL: a grant on the session's own preview host (a new one for each
 * `visit`, so reloading asks again). Grants last 12 hours; the frame keeps its host's cookie.
 */
export const previewVisitQuery = (sessionId: string, path: string, visit: number) =>
  queryOptions({
    queryKey: ["sessions", sessionId, "preview-visit", path, visit] as const,
    queryFn: () =>
      client.call("POST /api/sessions/{sessionId}/preview-visit", {
        params: { sessionId },
        body: { path },
        schema: previewVisitResponse,
      }),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    retry: 1,
  });
