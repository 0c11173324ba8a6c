import { can } from "@burstflare/sdk/permissions";
import type { IntentSurface } from "@burstflare/sdk/schemas/intent";
import { intentResponse } from "@burstflare/sdk/schemas/intent";
import { sessionLatencyResponse } from "@burstflare/sdk/schemas/metrics";
import type { Session } from "@burstflare/sdk/schemas/sessions";
import type { CreateShareBody, Share, ShareAccess } from "@burstflare/sdk/schemas/shares";
import { createShareResponse } from "@burstflare/sdk/schemas/shares";
import { queryOptions, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { client, returns } from "../client";
import { sessionListQuery } from "./list";
import { useRefetchingMutation } from "./mutation";
import { sessionKeys } from "./sessions";
import { useMyUserId, useRole } from "./workspaces";

/** Share links, their access log, start on intent and start/wake latency of a session. */
const shareKeys = {
  list: (sessionId: string) => ["shares", sessionId, "list"] as const,
  access: (sessionId: string) => ["shares", sessionId, "access"] as const,
  latency: (sessionId: string) => ["sessions", "latency", sessionId] as const,
};

export const sharesQuery = (sessionId: string) =>
  sessionListQuery<Share>(shareKeys.list(sessionId), "GET /api/sessions/{sessionId}/shares", sessionId, "shares");

export const shareAccessQuery = (sessionId: string) =>
  queryOptions({
    ...sessionListQuery<ShareAccess>(shareKeys.access(sessionId), "GET /api/sessions/{sessionId}/share-access", sessionId, "entries", {
      limit: 100,
    }),
    refetchInterval: 10_000,
  });

export const latencyQuery = (sessionId: string) =>
  queryOptions({
    queryKey: shareKeys.latency(sessionId),
    queryFn: () => client.call("GET /api/sessions/{sessionId}/latency", { params: { sessionId }, schema: sessionLatencyResponse }),
    refetchInterval: 60_000,
  });

export function useCreateShare(sessionId: string) {
  return useRefetchingMutation(
    (body: CreateShareBody) =>
      client.call("POST /api/sessions/{sessionId}/shares", { params: { sessionId }, body, schema: createShareResponse }),
    ["shares", sessionId],
  );
}

export function useRevokeShare(sessionId: string) {
  return useRefetchingMutation(
    (shareId: string) =>
      client.call("DELETE /api/sessions/{sessionId}/shares/{shareId}", {
        params: { sessionId, shareId },
        returns: returns<{ share: Share }>(),
      }),
    ["shares", sessionId],
  );
}

export function useSetStartOnIntent(sessionId: string) {
  return useRefetchingMutation(
    (startOnIntent: boolean) =>
      client.call("PATCH /api/sessions/{sessionId}", {
        params: { sessionId },
        body: { startOnIntent },
        returns: returns<{ session: Session }>(),
      }),
    sessionKeys.all,
  );
}

/**
 * Tells the control plane, once per mount, that this page is about to need a session: a sleeping
 * one marked for start on intent starts waking in the background. Best effort, never an error.
 */
export function useIntent(surface: IntentSurface, opts: { sessionId?: string; enabled?: boolean } = {}): void {
  const qc = useQueryClient();
  const fired = useRef<string | null>(null);
  const enabled = opts.enabled ?? true;
  const key = `${surface}:${opts.sessionId ?? ""}`;
  useEffect(() => {
    if (!enabled || fired.current === key) return;
    fired.current = key;
    client
      .call("POST /api/intent", { body: { surface, sessionId: opts.sessionId }, schema: intentResponse })
      .then((answer) => {
        if (answer.action === "waking") void qc.invalidateQueries({ queryKey: sessionKeys.all });
      })
      .catch(() => {});
  }, [enabled, key, surface, opts.sessionId, qc]);
}

/** The API's rule (api/src/shares/manage.ts): the session's owner, or a workspace owner or admin. */
export function useCanManageShares(session: Pick<Session, "ownerId"> | undefined): boolean {
  const role = useRole();
  const me = useMyUserId();
  if (!session || !role || !can(role, "shares.manage")) return false;
  return role === "owner" || role === "admin" || session.ownerId === me;
}
